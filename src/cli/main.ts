#!/usr/bin/env node
/** The `permit-registry` command. */
import { Command } from "commander";
import { registerRegistryCommands } from "./commands";
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
  return program;
}

if (require.main === module) {
  buildProgram().parseAsync(process.argv).catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
