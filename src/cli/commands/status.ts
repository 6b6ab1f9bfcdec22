/** `permit-registry status <id|number>`: the permit's status, lines (authorised/exported) and history. */
import type { Command } from "commander";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { printJson } from "../lib/output";
import { resolvePermitRef } from "../lib/permitRef";
import { action } from "../lib/run";
import { formatPermit, type PermitView } from "./permitView";

export function registerStatusCommand(program: Command): void {
  withConnection(program.command("status").description("a permit's status, lines (authorised / exported) and history").argument("<permit>", "permit id (0x…) or permit number"))
    .option("--json", "the full record as JSON")
    .action(
      action(async (permit: string, opts: ConnectionOptions & { json?: boolean }) => {
        const api = apiClientFrom(opts);
        const { body } = await api.get<PermitView>(`/permits/${encodeURIComponent(await resolvePermitRef(api, permit))}`);
        if (opts.json) printJson(body);
        else console.log(formatPermit(body));
      }),
    );
}
