/** The CLI's pure parts: token resolution, option parsing, input detection, tables, exit codes. */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatVerification, readInput } from "../../src/cli/commands/verify";
import type { VerificationResult } from "../../src/sdk/verify";
import { loadDocuments } from "../../src/cli/commands/issue";
import { resolveToken } from "../../src/cli/lib/connection";
import { AmbiguousPermitNumberError, ApiProblemError, EXIT, exitCodeOf, OutcomeError, PermitNumberNotFoundError, ServiceUnreachableError, UsageError } from "../../src/cli/lib/errors";
import { collectLine } from "../../src/cli/lib/options";
import { describeProblem, table } from "../../src/cli/lib/output";

describe("CLI helpers", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "permit-registry-cli-lib-"));
    writeFileSync(path.join(dir, "demo-credentials.json"), JSON.stringify({ CH: { admin: "prt_a", issuer: "prt_i", customs: "prt_c" } }));
    writeFileSync(path.join(dir, "token"), "prt_file\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("resolveToken", () => {
    const base = { url: "http://127.0.0.1:8080" };
    it("takes --token, then --token-file, then --as, then PERMIT_REGISTRY_TOKEN", () => {
      expect(resolveToken({ ...base, token: "prt_t" }, { PERMIT_REGISTRY_TOKEN: "prt_env" })).to.equal("prt_t");
      expect(resolveToken({ ...base, tokenFile: path.join(dir, "token") }, {})).to.equal("prt_file");
      expect(resolveToken({ ...base, as: "ch:Customs", dataDir: dir }, {})).to.equal("prt_c");
      expect(resolveToken({ ...base, as: "CH:issuer" }, { DATA_DIR: dir })).to.equal("prt_i");
      expect(resolveToken(base, { PERMIT_REGISTRY_TOKEN: "prt_env" })).to.equal("prt_env");
      expect(resolveToken(base, {})).to.equal(undefined);
    });
    it("refuses two token sources, a bad --as, an unknown country and a missing credentials file", () => {
      expect(() => resolveToken({ ...base, token: "a", as: "CH:issuer" })).to.throw(UsageError, "Give only one of --token, --as");
      expect(() => resolveToken({ ...base, as: "CH-issuer", dataDir: dir })).to.throw(UsageError, "must look like CH:issuer");
      expect(() => resolveToken({ ...base, as: "FR:issuer", dataDir: dir })).to.throw(UsageError, "no issuer token for FR");
      expect(() => resolveToken({ ...base, as: "CH:issuer", dataDir: path.join(dir, "nope") })).to.throw(UsageError, "No demo credentials");
    });
    it("--as also finds officers imported from a keys file (credentials.json)", () => {
      const imported = mkdtempSync(path.join(os.tmpdir(), "permit-registry-cli-imported-"));
      try {
        writeFileSync(path.join(imported, "credentials.json"), JSON.stringify({ DE: { admin: "prt_de" } }));
        expect(resolveToken({ ...base, as: "DE:admin", dataDir: imported }, {})).to.equal("prt_de");
        writeFileSync(path.join(imported, "demo-credentials.json"), JSON.stringify({ CH: { issuer: "prt_ch" } }));
        expect(resolveToken({ ...base, as: "CH:issuer", dataDir: imported }, {})).to.equal("prt_ch");
        expect(resolveToken({ ...base, as: "DE:admin", dataDir: imported }, {})).to.equal("prt_de");
        expect(() => resolveToken({ ...base, as: "FR:admin", dataDir: imported }, {})).to.throw(UsageError, "no admin token for FR (countries: CH, DE)");
      } finally {
        rmSync(imported, { recursive: true, force: true });
      }
    });
  });

  it("parses --line LINE=QUANTITY and rejects anything else", () => {
    expect(["1=100", " 2 = 14.5 "].reduce((acc, v) => collectLine(v, acc), [] as { line: number; quantity: number }[])).to.deep.equal([
      { line: 1, quantity: 100 },
      { line: 2, quantity: 14.5 },
    ]);
    for (const bad of ["1", "x=1", "1=1e3", "=-2"]) expect(() => collectLine(bad)).to.throw(/LINE=QUANTITY/);
    expect(() => collectLine("1=-2")).to.throw("the quantity on line 1 must be zero or more");
    expect(() => collectLine(" 3 = -0.5 ")).to.throw("the quantity on line 3 must be zero or more");
  });

  it("tells an image file from a text file and from QR text", () => {
    const png = path.join(dir, "qr.png");
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]));
    const txt = path.join(dir, "qr.txt");
    writeFileSync(txt, " PR1:ABC \n");
    expect(readInput(png)).to.include({ kind: "image" });
    expect(readInput(txt)).to.deep.equal({ kind: "text", text: "PR1:ABC" });
    expect(readInput("http://x/verify#PR1:ABC")).to.deep.equal({ kind: "text", text: "http://x/verify#PR1:ABC" });
    expect(() => readInput(path.join(dir, "missing.png"))).to.throw(UsageError, "No such image file");
    // Images the decoder cannot read are refused with what to do, not sent to be answered MALFORMED.
    const gif = path.join(dir, "qr.gif");
    writeFileSync(gif, Buffer.from("GIF89a\x01\x00", "latin1"));
    expect(() => readInput(gif)).to.throw(UsageError, "not a PNG or JPEG image");
    const webpNamedPng = path.join(dir, "screenshot.png");
    writeFileSync(webpNamedPng, Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 ", "latin1"));
    expect(() => readInput(webpNamedPng)).to.throw(UsageError, "Save or convert it as PNG or JPEG");
  });

  it("refuses an SVG, found by its name or its content, and points to the PNG or the QR text", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><path d="M0 0h7v7H0z"/></svg>';
    const files = {
      "qr.svg": "PR1:ABC", // the name is enough
      "qr.SVG": svg,
      "qr.txt": `\uFEFF \n\t${svg}`, // BOM and whitespace first
      "qr-xml": `<?xml version="1.0" encoding="UTF-8"?>\n${svg}`,
    };
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      expect(() => readInput(file), name).to.throw(UsageError, "is an SVG image").with.property("shortMessage").that.includes("qr.png");
    }
    expect(() => readInput(path.join(dir, "missing.svg"))).to.throw(UsageError, "No such image file");
    const notSvg = path.join(dir, "svg-mention.txt");
    writeFileSync(notSvg, "PR1:<svg>");
    expect(readInput(notSvg)).to.deep.equal({ kind: "text", text: "PR1:<svg>" });
  });

  it("refuses a PDF, found by its name or its content, and points to the QR code on it, the PNG or the QR text", () => {
    const pdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    const files = {
      "permit.pdf": "PR1:ABC", // the name is enough
      "CH-2026-004711.PDF": pdf,
      "download": pdf, // no name to go by: the content says it
      "permit.txt": `\xEF\xBB\xBF\n${pdf}`, // a UTF-8 BOM and a newline first
    };
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      writeFileSync(file, Buffer.from(content, "latin1"));
      expect(() => readInput(file), name)
        .to.throw(UsageError, "is a PDF, and a PDF is not read")
        .with.property("shortMessage")
        .that.includes("scan the QR code printed on it")
        .and.includes("qr.png")
        .and.includes("QR text");
    }
    expect(() => readInput(path.join(dir, "missing.pdf"))).to.throw(UsageError, "No such file");
    const notPdf = path.join(dir, "pdf-mention.txt");
    writeFileSync(notPdf, "PR1:%PDF-");
    expect(readInput(notPdf)).to.deep.equal({ kind: "text", text: "PR1:%PDF-" });
  });

  it("prints a line's exported quantity, 'not endorsed' when the chain says so, and 'unknown' when the chain was not read", () => {
    const skipped = { result: "skipped" as const, reason: "-" };
    const result: VerificationResult = {
      verdict: "VALID",
      mode: "online",
      checks: { signature: skipped, hash: skipped, status: skipped },
      lines: [
        { line: 1, authorised: 120, exported: 100 },
        { line: 2, authorised: 14.5, exported: null, unit: "kg" },
        { line: 3, authorised: 7 },
        { line: 4, authorised: 3, exported: 0 },
      ],
    };
    const out = formatVerification(result);
    expect(out).to.match(/^1\s+120\s+100\s+-$/m);
    expect(out).to.match(/^2\s+14\.5\s+not endorsed\s+kg$/m);
    expect(out).to.match(/^3\s+7\s+unknown\s+-$/m);
    expect(out).to.match(/^4\s+3\s+0\s+-$/m);
  });

  it("reads one document, an array, or { permits } per file", () => {
    writeFileSync(path.join(dir, "one.json"), JSON.stringify({ permitNumber: "A" }));
    writeFileSync(path.join(dir, "many.json"), JSON.stringify([{ permitNumber: "B" }, { permitNumber: "C" }]));
    writeFileSync(path.join(dir, "wrapped.json"), JSON.stringify({ permits: [{ permitNumber: "D" }] }));
    const docs = loadDocuments(["one.json", "many.json", "wrapped.json"].map((f) => path.join(dir, f)));
    expect(docs.map((d) => path.basename(d.source))).to.deep.equal(["one.json", "many.json#0", "many.json#1", "wrapped.json#0"]);
    expect(() => loadDocuments([path.join(dir, "absent.json")])).to.throw(UsageError, "no such file");
  });

  it("prints tables and problems with their field paths", () => {
    expect(table(["a", "bb"], [["xxx", null], [1, "y"]])).to.equal("a    bb\nxxx  -\n1    y");
    expect(describeProblem({ status: 422, title: "Invalid document", detail: "bad", errors: [{ path: "items[0].quantity", rule: "quantity.positive", message: "must be positive" }] })).to.deep.equal([
      "Invalid document (422): bad",
      "  - items[0].quantity: must be positive [quantity.positive]",
    ]);
  });

  it("maps errors to exit codes: 1 for the registry's refusals, 2 for usage and connection failures", () => {
    expect(exitCodeOf(new ApiProblemError({ status: 409, detail: "no" }, "POST /x"))).to.equal(EXIT.REFUSED);
    expect(exitCodeOf(new OutcomeError("failed"))).to.equal(EXIT.REFUSED);
    expect(exitCodeOf(new UsageError("bad"))).to.equal(EXIT.USAGE);
    expect(exitCodeOf(new ServiceUnreachableError("http://127.0.0.1:1", new Error("x")))).to.equal(EXIT.USAGE);
    // An unknown permit number is refused like an unknown id (404); an ambiguous one needs the id instead.
    expect(exitCodeOf(new PermitNumberNotFoundError("CH-1"))).to.equal(EXIT.REFUSED);
    expect(exitCodeOf(new AmbiguousPermitNumberError("CH-1", [], "JP"))).to.equal(EXIT.USAGE);
  });
});
