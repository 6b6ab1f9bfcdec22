/**
 * Stand-alone entry for the network commands (`npm run network -- …`), which are also mounted in the
 * `permit-registry` bin:
 *   npm run network -- up --validators 3      (same as `permit-registry network up --validators 3`)
 */
import { Command } from "commander";
import { registerNetworkCommands } from "./network";

const program = new Command("permit-registry").description("permit registry tools");
registerNetworkCommands(program);
program.parseAsync([...process.argv.slice(0, 2), "network", ...process.argv.slice(2)]).catch((err: unknown) => {
  const e = err as { shortMessage?: string; message?: string; details?: string };
  console.error(`error: ${e.shortMessage ?? e.message ?? String(err)}`);
  if (e.shortMessage && e.details) console.error(e.details);
  process.exit(1);
});
