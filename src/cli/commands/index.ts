/** Registers the officer and verifier commands that talk to a running service (and `deploy`). */
import type { Command } from "commander";
import { usageErrorsExit2 } from "../lib/run";
import { registerDeployCommand } from "./deploy";
import { registerIssueCommand } from "./issue";
import { registerLifecycleCommands } from "./lifecycle";
import { registerOfficerCommands } from "./officers";
import { registerReportCommands } from "./report";
import { registerStatusCommand } from "./status";
import { registerTrustListCommands } from "./trustList";
import { registerVerifyCommand } from "./verify";

const REGISTRARS = [
  registerIssueCommand, registerStatusCommand, registerVerifyCommand, registerLifecycleCommands,
  registerOfficerCommands, registerReportCommands, registerTrustListCommands, registerDeployCommand,
];

export function registerRegistryCommands(program: Command): Command {
  const before = new Set(program.commands);
  for (const register of REGISTRARS) register(program);
  for (const command of program.commands) if (!before.has(command)) usageErrorsExit2(command);
  return program;
}
