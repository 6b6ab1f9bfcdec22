/** `permit-registry officers add|remove|list`: an authority admin manages its country's officers. */
import { Option, type Command } from "commander";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { OutcomeError, UsageError } from "../lib/errors";
import { printJson, table } from "../lib/output";
import { action } from "../lib/run";

type Officer = { id: string; country: string; role: string; name: string; address: string; active: boolean; createdAt: string; removedAt: string | null; externalKey: boolean };
type Json = { json?: boolean };

export function registerOfficerCommands(program: Command): void {
  const officers = program.command("officers").description("an authority admin adds, removes and lists its country's officers (use an admin token, e.g. --as CH:admin)");

  withConnection(officers.command("add").description("add an officer: a signing key, the on-chain role and a bearer token"))
    .requiredOption("--name <name>", "the officer's name")
    .addOption(new Option("--role <role>", "what the officer may do").choices(["ISSUER", "CUSTOMS"]).makeOptionMandatory().argParser((v) => v.toUpperCase()))
    .option("--address <0x…>", "an external signing address (the service then holds no key for this officer)")
    .option("--json", "the officer and token as JSON")
    .action(
      action(async (opts: ConnectionOptions & Json & { name: string; role: string; address?: string }) => {
        if (opts.address !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(opts.address)) throw new UsageError(`--address "${opts.address}" is not a 0x-prefixed 20-byte address.`);
        const { body } = await apiClientFrom(opts).post<{ officer: Officer; token: string }>("/officers", { name: opts.name, role: opts.role, address: opts.address });
        if (opts.json) return printJson(body);
        console.log(`added ${body.officer.role} ${body.officer.name} of ${body.officer.country}`);
        console.log(`  id       ${body.officer.id}`);
        console.log(`  address  ${body.officer.address}`);
        console.log(`  token    ${body.token}`);
        process.stderr.write("The token is shown only once: hand it to the officer now.\n");
      }),
    );

  withConnection(officers.command("remove").description("remove an officer: revokes the token and the on-chain role").argument("<id>", "officer id (from `officers list`)"))
    .option("--json", "the removed officer as JSON")
    .action(
      action(async (id: string, opts: ConnectionOptions & Json) => {
        const { body } = await apiClientFrom(opts).delete<Officer>(`/officers/${encodeURIComponent(id)}`);
        if (opts.json) return printJson(body);
        console.log(`removed ${body.role} ${body.name} (${body.id}, ${body.address})`);
      }),
    );

  officers
    .command("import")
    .description("operator: bring officers whose keys exist (e.g. .networks/<name>/keys.json) into this registry's storage, beside a running service")
    .argument("<keys-file>", '{ "countries": { "CH": { "admin": { "address", "privateKey" }, "issuer": …, "customs": … } } }')
    .option("--data-dir <dir>", "state directory (DATA_DIR); storage, keystore and chain come from the same variables as `start`")
    .option("--json", "the imported officers and their tokens as JSON")
    .action(
      action(async (file: string, opts: Json & { dataDir?: string }) => {
        const { importOfficerKeysFile } = await import("../../service/operator"); // loaded here: other commands start faster
        const { OfficerKeysError } = await import("../../service/domain/officerImport");
        const report = await importOfficerKeysFile(file, { overrides: { DATA_DIR: opts.dataDir } }).catch((err: unknown) => {
          if (err instanceof OfficerKeysError) throw err.refused ? new OutcomeError(err.message) : new UsageError(err.message, { cause: err });
          throw err;
        });
        if (opts.json) return printJson(report);
        for (const o of report.imported) console.log(`imported ${o.key.padEnd(7)} ${o.country} ${o.address}  token ${o.token}`);
        for (const o of report.alreadyKnown) console.log(`known    ${o.key.padEnd(7)} ${o.country} ${o.address}  (kept as it is)`);
        console.log(`${report.imported.length} imported, ${report.alreadyKnown.length} already known; tokens also in ${report.credentialsFile}`);
        if (report.checkedOnChain !== true) process.stderr.write(`Roles on chain ${report.checkedOnChain}.\n`);
        process.stderr.write("The service uses them at once; hand each officer its token.\n");
      }),
    );

  withConnection(officers.command("list").description("the officers of the admin's country"))
    .option("--all", "include removed officers")
    .option("--json", "as JSON")
    .action(
      action(async (opts: ConnectionOptions & Json & { all?: boolean }) => {
        const { body } = await apiClientFrom(opts).get<{ items: Officer[] }>("/officers", { query: { includeRemoved: opts.all ? "true" : undefined } });
        if (opts.json) return printJson(body.items);
        console.log(table(["id", "role", "name", "address", "active", "since"], body.items.map((o) => [o.id, o.role, o.name, o.address, o.active ? "yes" : `removed ${o.removedAt ?? ""}`.trim(), o.createdAt])));
      }),
    );
}
