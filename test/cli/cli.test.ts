/**
 * The `permit-registry` CLI end to end: a real service (embedded Anvil, SQLite) started in-process
 * on a free port, and the CLI run as a child process against it, the way an officer runs it.
 */
import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { decodeQrImage } from "../../src/sdk/qr";
import { startService, type ServiceHandle } from "../../src/service/server";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "test", "sdk", "document", "fixtures");
const TS_NODE = path.join(ROOT, "node_modules", ".bin", "ts-node");
const MAIN = path.join(ROOT, "src", "cli", "main.ts");

type Run = { code: number; stdout: string; stderr: string };

describe("permit-registry CLI", function () {
  let service: ServiceHandle;
  let tmp: string;
  const logs: string[] = [];
  const files: Record<string, string> = {};
  const ids: Record<string, string> = {};

  /** Runs the CLI against the test service (URL and DATA_DIR from the environment, like a shell would). */
  function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        TS_NODE,
        ["--transpile-only", MAIN, ...args],
        { cwd: ROOT, env: { ...process.env, PERMIT_REGISTRY_URL: service.url, DATA_DIR: tmp, NO_COLOR: "1", PERMIT_REGISTRY_TOKEN: "", ...env }, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }
  const explain = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

  /** Runs the CLI with its stdout a pipe whose reader has already gone, as `permit-registry … | head -1` once head exits. */
  function cliIntoClosedPipe(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(TS_NODE, ["--transpile-only", MAIN, ...args], {
        cwd: ROOT,
        env: { ...process.env, PERMIT_REGISTRY_URL: service.url, DATA_DIR: tmp, NO_COLOR: "1", PERMIT_REGISTRY_TOKEN: "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? 1, stdout: "", stderr }));
    });
  }

  /** The permit's QR code as the service serves it in SVG, saved under `name`. */
  async function qrSvgOf(permitId: string, name: string): Promise<string> {
    const creds = JSON.parse(readFileSync(path.join(tmp, "demo-credentials.json"), "utf8"));
    const res = await fetch(`${service.url}/api/v1/permits/${permitId}/qr.svg`, { headers: { authorization: `Bearer ${creds.CH.issuer}` } });
    expect(res.status).to.equal(200);
    const file = path.join(tmp, name);
    writeFileSync(file, await res.text());
    return file;
  }

  function writeDoc(name: string, fixture: string, change: (doc: Record<string, unknown>) => void = () => {}): string {
    const doc = JSON.parse(readFileSync(path.join(FIXTURES, fixture), "utf8")) as Record<string, unknown>;
    change(doc);
    const file = path.join(tmp, name);
    writeFileSync(file, JSON.stringify(doc, null, 2));
    return file;
  }

  const qrCodes = new Map<string, { text: string; png: string }>();
  /** The permit's QR code from the service, as a PNG file and as the text it encodes (it never changes). */
  async function qrTextOf(permitId: string): Promise<{ text: string; png: string }> {
    const known = qrCodes.get(permitId);
    if (known) return known;
    const creds = JSON.parse(readFileSync(path.join(tmp, "demo-credentials.json"), "utf8"));
    const res = await fetch(`${service.url}/api/v1/permits/${permitId}/qr.png`, { headers: { authorization: `Bearer ${creds.CH.issuer}` } });
    expect(res.status).to.equal(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const png = path.join(tmp, `${permitId.slice(0, 10)}.png`);
    writeFileSync(png, bytes);
    const qr = { text: await decodeQrImage(bytes), png };
    qrCodes.set(permitId, qr);
    return qr;
  }

  before(async function () {
    this.timeout(90_000);
    tmp = mkdtempSync(path.join(os.tmpdir(), "permit-registry-cli-"));
    service = await startService({
      env: { ...process.env, DATA_DIR: tmp, PORT: "0", OUTBOX_INTERVAL_MS: "100" },
      fastKeystore: true,
      log: (line) => logs.push(line),
    });
    expect(service.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/).and.not.match(/:0$/);
    // Dated today (the demo officers became issuers at this service's first start, today), so
    // that the offline check's "an issuer from the issue day on" holds whichever way it is read.
    const today = new Date().toISOString().slice(0, 10);
    const validUntil = new Date(Date.now() + 150 * 86_400_000).toISOString().slice(0, 10);
    files.skins = writeDoc("skins.json", "01-ch-export-python-skins.json", (d) => Object.assign(d, { issuedOn: today, validUntil }));
    files.skins2 = writeDoc("skins-2.json", "01-ch-export-python-skins.json", (d) => (d.permitNumber = "CH-2026-004712"));
    files.invalid = writeDoc("invalid.json", "01-ch-export-python-skins.json", (d) => {
      d.permitNumber = "CH-2026-004713";
      (d.items as { quantity: number }[])[0]!.quantity = -5;
    });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(logs.slice(-30).join("\n"));
  });

  after(async () => {
    await service?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("issues two files, waits until both are ISSUED and reports them as JSON", async () => {
    const r = await cli(["issue", files.skins!, files.skins2!, "--as", "CH:issuer", "--wait", "--json"]);
    expect(r.code, explain(r)).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.accepted).to.equal(2);
    expect(out.permits.map((p: { number: string; status: string }) => [p.number, p.status])).to.deep.equal([
      ["CH-2026-004711", "ISSUED"],
      ["CH-2026-004712", "ISSUED"],
    ]);
    ids.skins = out.permits[0].permitId;
    ids.skins2 = out.permits[1].permitId;
    expect(ids.skins).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("endorses the export with the quantities per line", async () => {
    const r = await cli(["endorse", ids.skins!, "--line", "1=100", "--line", "2=14.5", "--transport-document", "AWB 724-1234", "--port", "ZRH", "--as", "CH:customs", "--json"]);
    expect(r.code, explain(r)).to.equal(0);
    const view = JSON.parse(r.stdout);
    expect(view.status).to.equal("ENDORSED");
    expect(view.lines.map((l: { exported: number }) => l.exported)).to.deep.equal([100, 14.5]);
  });

  it("shows a permit's status, lines (authorised and exported) and history", async () => {
    const r = await cli(["status", ids.skins!, "--as", "CH:customs"]);
    expect(r.code, explain(r)).to.equal(0);
    expect(r.stdout).to.include("CH-2026-004711").and.include("ENDORSED").and.include("PermitIssued").and.include("ExportEndorsed");
    expect(r.stdout).to.match(/route\s+CH → JP/);
    expect(r.stdout).to.match(/1\s+Python reticulatus\s+120\s+100/).and.match(/2\s+Python reticulatus\s+14\.5\s+14\.5\s+kg/);
  });

  it("verifies QR text and a QR image online: VALID, exit 0", async () => {
    const { text, png } = await qrTextOf(ids.skins!);
    const [fromText, fromImage] = await Promise.all([cli(["verify", text]), cli(["verify", png, "--json"])]);
    expect(fromText.code, explain(fromText)).to.equal(0);
    expect(fromText.stdout).to.include("VALID").and.include("CH-2026-004711").and.match(/hash\s+passed/);
    expect(fromImage.code, explain(fromImage)).to.equal(0);
    expect(JSON.parse(fromImage.stdout)).to.include({ verdict: "VALID", mode: "online" });
  });

  it("exports the trust list from the service and from the chain, and verifies offline with it", async () => {
    const fromService = path.join(tmp, "trust-list.json");
    const fromChain = path.join(tmp, "trust-list-chain.json");
    const deployment = path.join(tmp, "deployment.json");
    writeFileSync(deployment, JSON.stringify(service.chain.deployment));
    const [a, b] = await Promise.all([
      cli(["trust-list", "export", "-o", fromService]),
      cli(["trust-list", "export", "--rpc-url", service.chain.rpcUrl, "--deployment", deployment, "-o", fromChain]),
    ]);
    expect(a.code, explain(a)).to.equal(0);
    expect(b.code, explain(b)).to.equal(0);
    const [listA, listB] = [fromService, fromChain].map((f) => JSON.parse(readFileSync(f, "utf8")));
    expect(listA.format).to.equal("permit-registry/trust-list@1");
    expect(listB.officers).to.deep.include.members(listA.officers);

    const { text } = await qrTextOf(ids.skins!);
    const r = await cli(["verify", text, "--offline", "--trust-list", fromService, "--url", "http://127.0.0.1:9"]);
    expect(r.code, explain(r)).to.equal(0);
    expect(r.stdout).to.include("VALID").and.include("offline check");
    expect(r.stdout).to.match(/^1\s+120\s+unknown\s+-$/m); // offline the chain is not read: exported is not known
  });

  it("verifying a permit not yet endorsed says so per line: 'not endorsed', not '-'", async () => {
    const { text } = await qrTextOf(ids.skins2!);
    const r = await cli(["verify", text]);
    expect(r.code, explain(r)).to.equal(0);
    expect(r.stdout).to.include("CH-2026-004712").and.match(/^1\s+120\s+not endorsed\s+-$/m).and.match(/^2\s+14\.5\s+not endorsed\s+kg$/m);
  });

  it("an officer of the importing country uses the permit; verifying it again says ALREADY_USED, exit 1", async () => {
    const used = await cli(["use", ids.skins!, "--as", "JP:customs"]);
    expect(used.code, explain(used)).to.equal(0);
    expect(used.stdout).to.include("USED");
    const { text } = await qrTextOf(ids.skins!);
    const r = await cli(["verify", text, "--json"]);
    expect(r.code, explain(r)).to.equal(1);
    expect(JSON.parse(r.stdout).verdict).to.equal("ALREADY_USED");
  });

  it("cancels a permit with a reason", async () => {
    const r = await cli(["cancel", ids.skins2!, "--reason", "LOST", "--as", "CH:issuer"]);
    expect(r.code, explain(r)).to.equal(0);
    expect(r.stdout).to.include("CANCELLED");
  });

  it("replaces a permit with a new document, and records a notice of non-compliance on an imported one", async () => {
    const original = writeDoc("to-replace.json", "01-ch-export-python-skins.json", (d) => (d.permitNumber = "CH-2026-004714"));
    const replacement = writeDoc("replacement.json", "01-ch-export-python-skins.json", (d) => (d.permitNumber = "CH-2026-004715"));
    const issued = await cli(["issue", original, "--as", "CH:issuer", "--wait", "--json"]);
    expect(issued.code, explain(issued)).to.equal(0);
    const replaced = await cli(["replace", "CH-2026-004714", replacement, "--as", "CH:issuer", "--json"]);
    expect(replaced.code, explain(replaced)).to.equal(0);
    const view = JSON.parse(replaced.stdout);
    expect(view).to.include({ permitNumber: "CH-2026-004715", status: "ISSUED" });
    expect(view.replaces).to.include({ permitNumber: "CH-2026-004714" });
    expect((await cli(["replace", "CH-2026-004714", path.join(tmp, "missing.json"), "--as", "CH:issuer"])).code, "no such file: a usage error").to.equal(2);

    const notice = await cli(["non-compliance", ids.skins!, "--reason", "SPECIES_MISMATCH", "--note", "sawn wood, not skins", "--as", "JP:customs"]);
    expect(notice.code, explain(notice)).to.equal(0);
    expect(notice.stderr).to.include("non-compliance recorded");
    expect((await cli(["non-compliance", ids.skins!, "--reason", "BORED", "--as", "JP:customs"])).code).to.equal(2);
  });

  it("issuing files already sent again names the permits that already exist (table and JSON), exit 1", async () => {
    const [again, againJson] = await Promise.all([
      cli(["issue", files.skins!, files.skins2!, "--as", "CH:issuer"]),
      cli(["issue", files.skins!, "--as", "CH:issuer", "--json"]),
    ]);
    expect(again.code, explain(again)).to.equal(1);
    expect(again.stdout).to.match(new RegExp(`skins\\.json\\s+CH-2026-004711\\s+${ids.skins}\\s+REJECTED\\s+already exists`));
    expect(again.stdout).to.match(new RegExp(`skins-2\\.json\\s+CH-2026-004712\\s+${ids.skins2}\\s+REJECTED\\s+already exists`));
    expect(again.stderr).to.include("2 already existed");
    expect(againJson.code, explain(againJson)).to.equal(1);
    const out = JSON.parse(againJson.stdout);
    expect(out).to.include({ accepted: 0, rejected: 1 });
    expect(out.permits[0]).to.include({ number: "CH-2026-004711", status: "REJECTED" });
    expect(out.permits[0].problem).to.include({ status: 409, permitId: ids.skins });
  });

  it("refuses the permit's PDF (by name or by content) with exit 2: scan the QR code on it, or use the PNG or the QR text", async () => {
    const creds = JSON.parse(readFileSync(path.join(tmp, "demo-credentials.json"), "utf8"));
    const res = await fetch(`${service.url}/api/v1/permits/${ids.skins}/pdf`, { headers: { authorization: `Bearer ${creds.CH.issuer}` } });
    expect(res.status).to.equal(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const [named, unnamed] = [path.join(tmp, "permit.pdf"), path.join(tmp, "permit-download")];
    for (const file of [named, unnamed]) writeFileSync(file, bytes);
    const [byName, byContent] = await Promise.all([cli(["verify", named]), cli(["verify", unnamed, "--json"])]);
    for (const r of [byName, byContent]) {
      expect(r.code, explain(r)).to.equal(2);
      expect(r.stderr).to.include("is a PDF").and.include("scan the QR code printed on it").and.include("qr.png").and.include("QR text");
      expect(r.stdout).not.to.include("MALFORMED");
    }
  });

  it("writes the annual report as CSV; on the basis of trade, only the endorsed permits", async () => {
    const out = path.join(tmp, "annual.csv");
    const year = String(new Date().getUTCFullYear()); // the year of the endorsement on chain
    const r = await cli(["report", "annual", "--country", "CH", "--year", year, "--format", "csv", "-o", out, "--as", "CH:issuer"]);
    expect(r.code, explain(r)).to.equal(0);
    const csv = readFileSync(out, "utf8").split("\r\n");
    expect(csv[0]).to.include("permitNumber").and.include("quantityAuthorised");
    expect(csv.filter((l) => l.includes("CH-2026-004711"))).to.have.length(2); // one row per line item
    expect(csv.some((l) => l.includes("CH-2026-004712")), "issued, not endorsed").to.equal(true);
    const traded = await cli(["report", "annual", "--year", year, "--basis", "traded", "--json", "--as", "CH:issuer"]);
    expect(traded.code, explain(traded)).to.equal(0);
    const numbers = (JSON.parse(traded.stdout) as { rows: { permitNumber: string }[] }).rows.map((row) => row.permitNumber);
    expect(numbers).to.include("CH-2026-004711").and.not.include("CH-2026-004712");
  });

  it("an authority admin adds and removes an officer; the list shows it removed and its token stops working", async () => {
    const added = await cli(["officers", "add", "--name", "Beat Keller", "--role", "customs", "--as", "CH:admin", "--json"]);
    expect(added.code, explain(added)).to.equal(0);
    const { officer, token } = JSON.parse(added.stdout);
    expect(officer).to.include({ name: "Beat Keller", role: "CUSTOMS", country: "CH" });
    expect(token).to.be.a("string");

    const removed = await cli(["officers", "remove", officer.id, "--as", "CH:admin"]);
    expect(removed.code, explain(removed)).to.equal(0);
    expect(removed.stdout).to.include("removed CUSTOMS Beat Keller");

    const [listed, withRemovedToken] = await Promise.all([cli(["officers", "list", "--all", "--as", "CH:admin"]), cli(["status", ids.skins!, "--token", token])]);
    expect(listed.code, explain(listed)).to.equal(0);
    expect(listed.stdout).to.match(new RegExp(`${officer.id}\\s+CUSTOMS\\s+Beat Keller.*removed`));
    expect(withRemovedToken.code, explain(withRemovedToken)).to.equal(1);
    expect(withRemovedToken.stderr).to.include("(401)");
  });

  it("fails clearly: field paths for an invalid document, MALFORMED for garbage, exit 2 for usage errors and an unreachable service", async () => {
    const port = await closedPort();
    const [invalid, garbage, badReason, noToken, unreachable] = await Promise.all([
      cli(["issue", files.invalid!, "--as", "CH:issuer"]),
      cli(["verify", "certainly not a permit"]),
      cli(["cancel", ids.skins2!, "--reason", "BORED", "--as", "CH:issuer"]),
      cli(["status", ids.skins2!]),
      cli(["status", ids.skins!, "--token", "prt_x", "--url", `http://127.0.0.1:${port}`]),
    ]);
    expect(invalid.code, explain(invalid)).to.equal(1);
    expect(invalid.stdout).to.match(/REJECTED/).and.include("items[0].quantity").and.include("(422)");
    expect(invalid.stderr).to.include("sending: 1/1"); // plain progress lines when stderr is not a terminal

    expect(garbage.code, explain(garbage)).to.equal(1);
    expect(garbage.stdout).to.include("MALFORMED");

    expect(badReason.code, explain(badReason)).to.equal(2);
    expect(badReason.stderr).to.include("LOST");
    expect(noToken.code, explain(noToken)).to.equal(2);
    expect(noToken.stderr).to.include("--token");

    expect(unreachable.code, explain(unreachable)).to.equal(2);
    expect(unreachable.stderr).to.include(`Could not reach the registry service at http://127.0.0.1:${port}`).and.include("ECONNREFUSED").and.include("npm start");
  });

  it("refuses an unknown command as a usage error: exit 2, like an unknown option", async () => {
    const [audit, list, unknownOption] = await Promise.all([cli(["audit"]), cli(["list", "--as", "CH:issuer"]), cli(["status", "--bogus"])]);
    for (const r of [audit, list, unknownOption]) expect(r.code, explain(r)).to.equal(2);
    expect(audit.stderr).to.include("unknown command 'audit'");
    expect(list.stderr).to.include("unknown command 'list'");
  });

  it("ends quietly, with the command's own exit code, when the reader of its output goes away (| head -1)", async () => {
    const [officers, status, report] = await Promise.all([
      cliIntoClosedPipe(["officers", "list", "--all", "--as", "CH:admin"]),
      cliIntoClosedPipe(["status", ids.skins!, "--json", "--as", "CH:issuer"]),
      cliIntoClosedPipe(["report", "annual", "--year", "2026", "--format", "csv", "--as", "CH:issuer"]),
    ]);
    for (const r of [officers, status, report]) {
      expect(r.code, explain(r)).to.equal(0);
      expect(r.stderr, explain(r)).not.to.include("EPIPE").and.not.match(/^\s+at /m);
    }
  });

  it("refuses the service's own SVG QR code (by name or by content) with exit 2 and points to the PNG or the QR text", async () => {
    const named = await qrSvgOf(ids.skins!, "p.svg");
    const unnamed = await qrSvgOf(ids.skins!, "qr-code");
    const [byName, byContent] = await Promise.all([cli(["verify", named]), cli(["verify", unnamed, "--json"])]);
    for (const r of [byName, byContent]) {
      expect(r.code, explain(r)).to.equal(2);
      expect(r.stderr).to.include("is an SVG image").and.include("qr.png").and.include("QR text");
      expect(r.stdout).not.to.include("MALFORMED");
    }
  });

  it("refuses a negative quantity on --line: it must be zero or more", async () => {
    const r = await cli(["endorse", ids.skins!, "--line", "1=-3", "--as", "CH:customs"]);
    expect(r.code, explain(r)).to.equal(2);
    expect(r.stderr).to.include("the quantity on line 1 must be zero or more");
  });

  it("takes a permit number where a permit id goes: exact, within the caller's country, its own country's first, ambiguous otherwise", async () => {
    const number = "LK/DWC/2026/2005";
    const lk = writeDoc("orchids-2005.json", "02-lk-export-orchids.json", (d) => (d.permitNumber = number)); // LK → CH
    const no = writeDoc("timber-2005.json", "06-no-export-timber.json", (d) => (d.permitNumber = number)); // NO → CH
    const ch = writeDoc("skins-2005.json", "01-ch-export-python-skins.json", (d) => (d.permitNumber = number)); // CH → JP
    const issued = await Promise.all([cli(["issue", lk, "--as", "LK:issuer", "--wait", "--json"]), cli(["issue", no, "--as", "NO:issuer", "--wait", "--json"])]);
    for (const r of issued) expect(r.code, explain(r)).to.equal(0);
    const [lkId, noId] = issued.map((r) => JSON.parse(r.stdout).permits[0].permitId as string);

    const [byLk, endorsed, byCh, wrongCase, partial, byJp] = await Promise.all([
      cli(["status", number, "--as", "LK:issuer", "--json"]),
      cli(["endorse", number, "--line", "1=1", "--as", "LK:customs", "--json"]),
      cli(["status", number, "--as", "CH:customs"]),
      cli(["status", number.toLowerCase(), "--as", "LK:issuer"]),
      cli(["status", number.slice(0, -1), "--as", "LK:issuer"]),
      cli(["status", number, "--as", "JP:customs"]),
    ]);
    expect(byLk.code, explain(byLk)).to.equal(0);
    expect(JSON.parse(byLk.stdout)).to.include({ permitId: lkId, permitNumber: number, issuingCountry: "LK" });
    expect(endorsed.code, explain(endorsed)).to.equal(0);
    expect(JSON.parse(endorsed.stdout)).to.include({ permitId: lkId, status: "ENDORSED" });
    // CH imports both and issued neither: it must say which.
    expect(byCh.code, explain(byCh)).to.equal(2);
    expect(byCh.stderr).to.include(`Permit number ${number} is ambiguous`).and.include(lkId).and.include(noId).and.include("Give the permit id");
    for (const r of [wrongCase, partial, byJp]) {
      expect(r.code, explain(r)).to.equal(1);
      expect(r.stderr).to.include("No permit numbered");
    }

    // Once CH issues a permit under the same number, that is the one CH means.
    const own = await cli(["issue", ch, "--as", "CH:issuer", "--wait", "--json"]);
    expect(own.code, explain(own)).to.equal(0);
    const chId = JSON.parse(own.stdout).permits[0].permitId as string;
    const [byChAgain, cancelled] = await Promise.all([cli(["status", number, "--as", "CH:customs"]), cli(["cancel", number, "--reason", "WRONGLY_ISSUED", "--as", "CH:issuer", "--json"])]);
    expect(byChAgain.code, explain(byChAgain)).to.equal(0);
    expect(byChAgain.stdout).to.include(chId).and.include("issued by CH");
    expect(cancelled.code, explain(cancelled)).to.equal(0);
    expect(JSON.parse(cancelled.stdout)).to.include({ permitId: chId, status: "CANCELLED" });
  });
});

/** A port nothing listens on: bind one, then close it. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
