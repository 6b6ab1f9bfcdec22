/** `permit-registry status <id>`: the permit's status, lines (authorised/exported) and history. */
import type { Command } from "commander";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { printJson } from "../lib/output";
import { action } from "../lib/run";
import { formatPermit, type PermitView } from "./permitView";

export function registerStatusCommand(program: Command): void {
  withConnection(program.command("status").description("a permit's status, lines (authorised / exported) and history").argument("<id>", "permit id (0x…)"))
    .option("--json", "the full record as JSON")
    .action(
      action(async (id: string, opts: ConnectionOptions & { json?: boolean }) => {
        const { body } = await apiClientFrom(opts).get<PermitView>(`/permits/${encodeURIComponent(id)}`);
        if (opts.json) printJson(body);
        else console.log(formatPermit(body));
      }),
    );
}
