/**
 * The permit PDF, end to end: for every sample document, render the PDF, extract its text with
 * poppler's pdftotext, rasterise page 1 with pdftoppm at 150 dpi and read the QR code back with
 * the SDK's decoder. Page-1 PNGs are kept under test-results/pdf/ for people to look at.
 *
 * Needs poppler-utils (pdftoppm, pdftotext) for the text and QR checks: without it those tests
 * are skipped with a loud warning (install with `apt-get install -y poppler-utils`); set
 * PERMIT_PDF_REQUIRE_POPPLER=1 (e.g. in CI) to make a missing poppler an error instead.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { documentHash, parsePermitDocument, type PermitDocument } from "../../../src/sdk/document";
import { permitIdOf } from "../../../src/sdk/ids";
import { decodeQrImage, encodeQrPayload, QrPayloadTooLargeError, signPermitAnchor, toVerifyUrl } from "../../../src/sdk/qr";
import { renderPermitPdf, type RenderPermitPdfParameters } from "../../../src/service/pdf";

const FIXTURES = path.resolve(__dirname, "../../sdk/document/fixtures");
const RESULTS = path.resolve(__dirname, "../../../test-results/pdf");
/** Hardhat account #0: a well-known test key, never use it for anything real. */
const officer = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const CHAIN_ID = 31337;
const REGISTRY: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const SALT: Hex = `0x${"5a".repeat(32)}`;
const VERIFY_BASE = "https://verify.permits.example/verify";

function hasTool(name: string): boolean {
  return spawnSync(name, ["-v"], { stdio: "ignore" }).error === undefined;
}
const POPPLER = hasTool("pdftoppm") && hasTool("pdftotext");
if (!POPPLER && process.env.PERMIT_PDF_REQUIRE_POPPLER === "1")
  throw new Error("PERMIT_PDF_REQUIRE_POPPLER=1 but poppler-utils (pdftoppm, pdftotext) is not installed.");
if (!POPPLER) {
  const banner = "!".repeat(100);
  console.warn(
    `\n${banner}\n!! poppler-utils (pdftoppm, pdftotext) NOT FOUND: the PDF text and QR read-back checks are SKIPPED.\n` +
      `!! Install it (Debian: apt-get install -y poppler-utils) to run them.\n${banner}\n`,
  );
}
/** `it`, or a skipped test when poppler is missing. */
const itPoppler = POPPLER ? it : it.skip;

type Sample = { file: string; document: PermitDocument; qrText: string; permitId: Hex };

async function sample(file: string, document: PermitDocument): Promise<Sample> {
  const permitId = permitIdOf(document.issuingCountry, document.permitNumber);
  const hash = documentHash(document, SALT);
  const signature = await signPermitAnchor({ account: officer, chainId: CHAIN_ID, registry: REGISTRY, permitId, documentHash: hash });
  const payload = encodeQrPayload({ mode: "full", chainId: CHAIN_ID, registry: REGISTRY, permitId, salt: SALT, signature, document });
  return { file, document, qrText: toVerifyUrl(payload, VERIFY_BASE), permitId };
}

function loadDocuments(): { file: string; document: PermitDocument }[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, document: parsePermitDocument(JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8"))) }));
}

let work: string;

/** `raw` keeps content-stream order, which also keeps rotated text (the watermark). */
function pdfToText(pdf: Buffer, name: string, raw = false): string {
  const file = path.join(work, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync("pdftotext", [...(raw ? ["-raw"] : []), "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}

/** Page-`page` PNG at `dpi`, also copied to test-results/pdf/. */
function rasterise(pdf: Buffer, name: string, page = 1, dpi = 150): Buffer {
  const file = path.join(work, `${name}.pdf`);
  writeFileSync(file, pdf);
  const prefix = path.join(work, `${name}-p${page}`);
  execFileSync("pdftoppm", ["-png", "-r", String(dpi), "-f", String(page), "-l", String(page), "-singlefile", file, prefix]);
  const png = readFileSync(`${prefix}.png`);
  writeFileSync(path.join(RESULTS, `${name}-p${page}.png`), png);
  return png;
}

/** pdftotext's layout joins words with varying spaces; compare with whitespace collapsed. */
function squash(text: string): string {
  return text.normalize("NFC").replace(/\s+/g, " ");
}

describe("service/pdf renderPermitPdf", function () {
  this.timeout(120_000);
  let samples: Sample[];

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), "permit-pdf-"));
    mkdirSync(RESULTS, { recursive: true });
    samples = await Promise.all(loadDocuments().map(({ file, document }) => sample(file, document)));
    expect(samples.length).to.be.greaterThan(0);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  describe("every sample document", () => {
    for (const { file } of loadDocuments()) {
      const name = file.replace(/\.json$/, "");

      it(`${file}: renders an A4 PDF`, async () => {
        const s = samples.find((x) => x.file === file)!;
        const pdf = await renderPermitPdf({ document: s.document, qrText: s.qrText, permitId: s.permitId });
        expect(pdf.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
        expect(pdf.subarray(-6).toString("latin1")).to.match(/%%EOF\s*$/);
        // A4 media box, one page for the samples (all have ≤ 4 line items).
        expect(pdf.toString("latin1")).to.match(/\/MediaBox \[0 0 595\.28 841\.89\]/);
        writeFileSync(path.join(RESULTS, `${name}.pdf`), pdf);
      });

      itPoppler(`${file}: the text holds the permit number, names and boxes; the QR reads back at 150 dpi`, async () => {
        const s = samples.find((x) => x.file === file)!;
        const pdf = await renderPermitPdf({ document: s.document, qrText: s.qrText, permitId: s.permitId, status: "ISSUED" });
        const text = squash(pdfToText(pdf, name));
        const d = s.document;
        expect(text).to.include(d.permitNumber);
        expect(text).to.include(d.validUntil);
        for (const name of [d.importer.name, d.exporter.name, d.importer.address, d.exporter.address]) expect(text).to.include(squash(name));
        if (d.issuingAuthority) expect(text).to.include(squash(d.issuingAuthority.name));
        if (d.signedBy) expect(text).to.include(squash(d.signedBy.name));
        for (const item of d.items) expect(text).to.include(item.scientificName);
        expect(text).to.include(s.permitId);
        expect(text).to.include(`Verify: scan the QR code or open ${VERIFY_BASE}`);
        const decoded = await decodeQrImage(rasterise(pdf, name));
        expect(decoded).to.equal(s.qrText);
      });
    }
  });

  itPoppler("prints non-ASCII names as the same characters (ü, ō, é, ø, Chūō-ku, Kōbe)", async () => {
    const all = samples.map(async (s) => squash(pdfToText(await renderPermitPdf({ document: s.document, qrText: s.qrText, permitId: s.permitId }), `utf-${s.file}`)));
    const text = (await Promise.all(all)).join("\n");
    for (const word of ["Kōbe Leather Crafts K.K.", "Chūō-ku", "Lederwerk Zürich AG", "Élise Durand", "Ministère de la Transition écologique", "Miljødirektoratet", "Ålesund Trelast AS", "Servicio Agrícola y Ganadero", "Gärtnerei Blumenhof GmbH"])
      expect(text).to.include(word);
  });

  describe("the form", () => {
    itPoppler("names the document type and the CITES boxes; ePhyto uses its own labels", async () => {
      const byType = (t: string) => samples.find((s) => s.document.documentType === t)!;
      const expectations: [string, string][] = [
        ["CITES_EXPORT_PERMIT", "EXPORT PERMIT"],
        ["CITES_IMPORT_PERMIT", "IMPORT PERMIT"],
        ["CITES_REEXPORT_CERTIFICATE", "RE-EXPORT CERTIFICATE"],
        ["EPHYTO_CERTIFICATE", "PHYTOSANITARY CERTIFICATE"],
      ];
      for (const [type, title] of expectations) {
        const s = byType(type);
        const text = squash(pdfToText(await renderPermitPdf({ document: s.document, qrText: s.qrText, permitId: s.permitId }), `type-${type}`));
        expect(text, type).to.include(title);
        if (type === "EPHYTO_CERTIFICATE") {
          expect(text).to.include("Additional declaration");
          expect(text).to.include("free from Drosophila suzukii");
          expect(text).to.not.include("5a Purpose");
        } else {
          for (const label of ["1 Permit / certificate No.", "2 Valid until", "3 Importer", "4 Exporter", "5 Special conditions", "5a Purpose of the transaction", "5b Security stamp — replaced by the QR code", "6 Name, address and country of the issuing Management Authority", "7/8 Scientific name", "13 Issued by", "14 Export endorsement"])
            expect(text, `${type}: ${label}`).to.include(label);
        }
      }
      const ch = samples.find((s) => s.file.startsWith("01-"))!;
      const text = squash(pdfToText(await renderPermitPdf({ document: ch.document, qrText: ch.qrText, permitId: ch.permitId }), "codes"));
      expect(text).to.include("Commercial"); // 5a T
      expect(text).to.include("SKI — skins"); // 9
      expect(text).to.include("Taken from the wild"); // 10 W
      expect(text).to.include("07788/IV/SATS-LN/2026"); // 12
      expect(text).to.include("JP Japan"); // 3a
      expect(text).to.include("Not endorsed on this copy");
    });

    itPoppler("box 14 shows the export endorsement when given; status, anchor time and tx are printed", async () => {
      const s = samples.find((x) => x.file.startsWith("01-"))!;
      const txHash: Hex = `0x${"ab".repeat(32)}`;
      const pdf = await renderPermitPdf({
        document: s.document,
        qrText: s.qrText,
        permitId: s.permitId,
        status: "ENDORSED",
        anchoredAt: 1_795_600_000n,
        txHash,
        exportEndorsement: { quantities: [118, 14.5], transportDocument: "AWB 724-12345675", port: "Zürich Airport (ZRH)", date: "2026-12-02", officer: "Beat Müller" },
      });
      const text = squash(pdfToText(pdf, "endorsed"));
      for (const part of ["ENDORSED", "AWB 724-12345675", "Zürich Airport (ZRH)", "2026-12-02", "Beat Müller", "Line 1: 118 specimens", "Line 2: 14.5 kg", txHash, "2026-11-25 09:46:40 UTC"])
        expect(text, part).to.include(part);
      expect(text).to.not.include("Not endorsed on this copy");
      expect(await decodeQrImage(rasterise(pdf, "01-endorsed"))).to.equal(s.qrText);
    });

    itPoppler("a cancelled permit carries a NOT VALID watermark and its QR still reads", async () => {
      const s = samples.find((x) => x.file.startsWith("03-"))!;
      const pdf = await renderPermitPdf({ document: s.document, qrText: s.qrText, permitId: s.permitId, status: "CANCELLED", statusAsOf: new Date("2026-12-04T10:00:00Z") });
      const text = squash(pdfToText(pdf, "cancelled", true));
      expect(text).to.include("CANCELLED NOT VALID"); // the diagonal watermark
      expect(text).to.include("LEDGER STATUS ON 2026-12-04 (SCAN FOR NOW) CANCELLED"); // a snapshot, dated
      expect(await decodeQrImage(rasterise(pdf, "03-cancelled"))).to.equal(s.qrText);
    });
  });

  describe("hostile and oversized input", () => {
    function stressed(): PermitDocument {
      const base = samples.find((x) => x.file.startsWith("01-"))!.document;
      const long = (seed: string, n: number) => Array.from({ length: n }, (_, i) => `${seed}${i}`).join(" ");
      const item = base.items[0];
      return {
        ...base,
        permitNumber: "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", // 32 bytes, the widest glyphs
        importer: { name: "Ō".repeat(200), address: long("Straße ", 80), country: "JP" },
        exporter: { name: "X".repeat(200), address: "A".repeat(500), country: "CH" },
        specialConditions: long("condition", 300).slice(0, 2000),
        items: Array.from({ length: 30 }, (_, i) => ({
          ...item,
          line: i + 1,
          scientificName: i === 0 ? `Species-1 ${"y".repeat(190)}` : `Species-${i + 1}`,
          description: "d".repeat(2000),
          // Bidi override + control characters: must not reach the page.
          commonName: `Common\u202Ename\u0007 ${i + 1}`,
        })),
        signedBy: { name: "N".repeat(200), role: "R".repeat(200) },
      };
    }

    it("clamps long fields and puts extra line items on continuation sheets", async () => {
      const s = samples.find((x) => x.file.startsWith("01-"))!;
      const document = stressed();
      const pdf = await renderPermitPdf({ document, qrText: s.qrText, permitId: s.permitId });
      expect(pdf.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
      // 3 items on page 1, 27 on 12-item continuation sheets: 1 + 3 pages.
      expect(pdf.toString("latin1").match(/\/Type \/Page\b/g)?.length).to.equal(4);
      writeFileSync(path.join(RESULTS, "stress.pdf"), pdf);
    });

    itPoppler("stress document: text is clamped, control and bidi characters are dropped, QR still reads", async () => {
      const s = samples.find((x) => x.file.startsWith("01-"))!;
      const document = stressed();
      const pdf = await renderPermitPdf({ document, qrText: s.qrText, permitId: s.permitId });
      const raw = pdfToText(pdf, "stress");
      const text = squash(raw);
      expect(text).to.include(document.permitNumber);
      expect(text).to.include("27 more line items (line 4 to 30) on the continuation sheets, pages 2–4.");
      expect(text).to.include("Species-30");
      expect(text).to.include("Commonname 30");
      expect(raw).to.not.match(/[\u0007\u202E]/);
      expect(text).to.include("…");
      expect(text).to.include("Page 4 of 4");
      expect(await decodeQrImage(rasterise(pdf, "stress"))).to.equal(s.qrText);
      rasterise(pdf, "stress", 2);
    });

    it("refuses a QR text that does not fit a QR code", async () => {
      const s = samples[0];
      const parameters: RenderPermitPdfParameters = { document: s.document, qrText: "A".repeat(5000), permitId: s.permitId };
      let error: unknown;
      try {
        await renderPermitPdf(parameters);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(QrPayloadTooLargeError);
    });

    it("renders the same bytes for the same input", async () => {
      const s = samples[0];
      const a = await renderPermitPdf({ document: s.document, qrText: s.qrText, permitId: s.permitId, anchoredAt: new Date("2026-11-20T10:00:00Z") });
      const b = await renderPermitPdf({ document: s.document, qrText: s.qrText, permitId: s.permitId, anchoredAt: new Date("2026-11-20T10:00:00Z") });
      expect(a.equals(b)).to.equal(true);
    });
  });
});
