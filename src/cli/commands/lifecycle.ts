/** `endorse`, `use` and `cancel`: the lifecycle steps after issue, each one signed on chain by the calling officer. */
import { Option, type Command } from "commander";
import type { CancelReason } from "../../sdk/chain/client";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { UsageError } from "../lib/errors";
import { collectLine } from "../lib/options";
import { printJson } from "../lib/output";
import { action } from "../lib/run";
import { formatPermit, type PermitView } from "./permitView";

type Json = { json?: boolean };

/** The contract's cancel reasons (kept literal so the CLI starts without loading viem; the types keep it complete). */
const CANCEL_REASONS = ["LOST", "STOLEN", "DAMAGED", "WRONGLY_ISSUED", "WITHDRAWN", "OTHER"] as const satisfies readonly CancelReason[];
const complete: Exclude<CancelReason, (typeof CANCEL_REASONS)[number]> extends never ? true : never = true;
void complete;

function answer(view: PermitView, opts: Json, what: string): void {
  if (opts.json) return printJson(view);
  process.stderr.write(`${what}: ${view.permitNumber} is now ${view.status}\n`);
  console.log(formatPermit(view));
}

export function registerLifecycleCommands(program: Command): void {
  withConnection(
    program
      .command("endorse")
      .description("customs of the exporting country: endorse the export with the quantities that left")
      .argument("<id>", "permit id"),
  )
    .option("--line <line=quantity>", "quantity exported on a line, e.g. --line 1=100 --line 2=14.5 (repeat; lines not given export 0)", collectLine)
    .option("--transport-document <ref>", "bill of lading / air waybill number")
    .option("--port <port>", "port of export")
    .option("--json", "the updated record as JSON")
    .action(
      action(async (id: string, opts: ConnectionOptions & Json & { line?: { line: number; quantity: number }[]; transportDocument?: string; port?: string }) => {
        if (!opts.line?.length) throw new UsageError("Give the exported quantities: --line 1=100 [--line 2=14.5 ...].");
        const body = { items: opts.line, transportDocument: opts.transportDocument, port: opts.port };
        const { body: view } = await apiClientFrom(opts).post<PermitView>(`/permits/${encodeURIComponent(id)}/endorsements`, body);
        answer(view, opts, "endorsed");
      }),
    );

  withConnection(program.command("use").description("an officer of the importing country accepts the import: the permit is used").argument("<id>", "permit id"))
    .option("--json", "the updated record as JSON")
    .action(
      action(async (id: string, opts: ConnectionOptions & Json) => {
        const { body: view } = await apiClientFrom(opts).post<PermitView>(`/permits/${encodeURIComponent(id)}/use`);
        answer(view, opts, "used");
      }),
    );

  withConnection(program.command("cancel").description("an issuer of the issuing country cancels the permit").argument("<id>", "permit id"))
    .addOption(new Option("--reason <reason>", "why").choices(CANCEL_REASONS).makeOptionMandatory())
    .option("--json", "the updated record as JSON")
    .action(
      action(async (id: string, opts: ConnectionOptions & Json & { reason: string }) => {
        const { body: view } = await apiClientFrom(opts).post<PermitView>(`/permits/${encodeURIComponent(id)}/cancel`, { reason: opts.reason });
        answer(view, opts, "cancelled");
      }),
    );
}
