/** `permit-registry report annual`: the CITES annual report rows for a country and year. */
import { writeFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { UsageError } from "../lib/errors";
import { integer } from "../lib/options";
import { table, toJson } from "../lib/output";
import { action } from "../lib/run";

type Report = { country: string; year: number; columns: string[]; rows: Record<string, string | number | null>[] };
type Options = ConnectionOptions & { country?: string; year?: number; basis?: "issued" | "traded"; format?: "csv" | "json" | "table"; output?: string; json?: boolean };

/** The columns the terminal table shows; csv and json carry all of them. */
const TABLE_COLUMNS = ["permitNumber", "status", "taxon", "term", "quantity", "quantityAuthorised", "unit", "exporter", "importer"];

export function registerReportCommands(program: Command): void {
  const report = program.command("report").description("reports for an authority");
  withConnection(report.command("annual").description("the CITES annual report: one row per permit line, with the quantities actually exported"))
    .option("--country <CC>", "ISO country code (default: your officer's country)")
    .option("--year <year>", "calendar year (default: this year)", integer("--year", 1975, 2200))
    .addOption(new Option("--basis <basis>", "issued: every permit issued (the default); traded: only those whose export was endorsed").choices(["issued", "traded"]))
    .addOption(new Option("--format <format>", "csv and json carry every column; table (the default on a terminal) a summary").choices(["csv", "json", "table"]))
    .option("-o, --output <file>", "write to a file (format from its extension unless --format)")
    .option("--json", "same as --format json")
    .action(
      action(async (opts: Options) => {
        if (opts.json && opts.format && opts.format !== "json") throw new UsageError(`--json contradicts --format ${opts.format}.`);
        const format = opts.json ? "json" : opts.format ?? (opts.output ? (/\.json$/i.test(opts.output) ? "json" : "csv") : process.stdout.isTTY ? "table" : "csv");
        if (format === "table" && opts.output) throw new UsageError("--format table is for the terminal; write csv or json to a file.");
        const query = { country: opts.country?.toUpperCase(), year: opts.year, basis: opts.basis, format: format === "csv" ? "csv" : "json" };
        const api = apiClientFrom(opts);
        let text: string;
        let rowCount: number;
        if (format === "csv") {
          text = (await api.get<string>("/reports/annual", { query, text: true })).body;
          rowCount = Math.max(0, text.split("\r\n").filter(Boolean).length - 1);
        } else {
          const { body } = await api.get<Report>("/reports/annual", { query });
          rowCount = body.rows.length;
          text = format === "json" ? `${toJson(body)}\n` : `${table(TABLE_COLUMNS, body.rows.map((r) => TABLE_COLUMNS.map((c) => r[c])))}\n`;
        }
        if (opts.output) {
          writeFileSync(opts.output, text);
          process.stderr.write(`wrote ${rowCount} row(s) to ${opts.output}\n`);
        } else process.stdout.write(text);
      }),
    );
}
