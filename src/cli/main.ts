#!/usr/bin/env node
/** The `permit-registry` command. */
import { Command } from "commander";
import { registerRegistryCommands } from "./commands";
import { endQuietlyOnClosedPipe, usageErrorsExit2 } from "./lib/run";
import { registerStartCommand } from "./start";

export function buildProgram(): Command {
  const program = new Command("permit-registry").description("A permissioned-ledger registry for CITES permits and ePhyto certificates");
  registerStartCommand(program);
  registerRegistryCommands(program);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { registerNetworkCommands } = require("./network") as typeof import("./network");
    registerNetworkCommands(program);
  } catch {
    // network commands not available in this build
  }
  // An unknown command (or a bad option before it) is a usage error, exit 2; `start` and
  // `network …` keep their own exit codes (docs/cli.md).
  return usageErrorsExit2(program, { subcommands: false });
}

if (require.main === module) {
  endQuietlyOnClosedPipe();
  buildProgram().parseAsync(process.argv).catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
