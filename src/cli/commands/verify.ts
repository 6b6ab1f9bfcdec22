/**
 * `permit-registry verify <qr-text|url|image>`: online through the service (POST /verify), or
 * offline with a trust list file and the SDK. Exit 0 for VALID, 1 for any other verdict, 2 when
 * the check could not be made (usage, unreadable file, service unreachable).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import type { Command } from "commander";
import type { TrustListSnapshot, VerificationResult, Verdict } from "../../sdk/verify";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { EXIT, UsageError } from "../lib/errors";
import { paint, printJson, table, toJson } from "../lib/output";
import { action } from "../lib/run";

type Options = Pick<ConnectionOptions, "url"> & { offline?: boolean; trustList?: string; json?: boolean };
type Input = { kind: "text"; text: string } | { kind: "image"; bytes: Uint8Array; name: string };

/** What each verdict means for the person at the border (online: the service checked the chain). */
export const VERDICT_MEANING: Record<Verdict, string> = {
  VALID: "Genuine: signed by an issuer of the issuing country, anchored, and not used, cancelled or expired.",
  TAMPERED: "The content differs from what the issuer signed or anchored. Do not accept it.",
  UNTRUSTED_SIGNER: "Not signed by an active issuer of the issuing country.",
  NOT_ANCHORED: "No permit is anchored under this id.",
  CANCELLED: "Cancelled by the issuing country.",
  REPLACED: "Replaced by another permit; ask for the replacement.",
  EXPIRED: "Past its last day of validity.",
  ALREADY_USED: "Already used for an import.",
  MALFORMED: "Could not read a permit QR code from the input.",
  CHAIN_UNREACHABLE: "The chain could not be reached, so the live status is unknown. Retry.",
};

/** Offline only the signature and the dates are checked: where a verdict says less than online. */
export const OFFLINE_VERDICT_MEANING: Partial<Record<Verdict, string>> = {
  VALID: "Signed by an issuer of the issuing country (per the trust list) and within its validity dates. Whether it is anchored, used, cancelled or replaced is not known offline: verify online when you can.",
};

/** Images the SDK's decoder reads (and the service, which uses it). */
const READABLE_IMAGE_MAGIC: number[][] = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
];
/** Images it does not: refused here with what to do, rather than answered MALFORMED. */
const OTHER_IMAGE_MAGIC: number[][] = [
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x42, 0x4d], // BMP
  [0x52, 0x49, 0x46, 0x46], // RIFF (WebP)
  [0x49, 0x49, 0x2a, 0x00], // TIFF, little-endian
  [0x4d, 0x4d, 0x00, 0x2a], // TIFF, big-endian
];
const IMAGE_EXT = /\.(png|jpe?g|gif|bmp|webp|tiff?|heic|svgz?)$/i;
const startsWith = (bytes: Uint8Array, magics: number[][]) => magics.some((m) => m.every((b, i) => bytes[i] === b));
/**
 * An SVG (such as the service's own `…/qr.svg`): XML text, which would otherwise be read as QR
 * text and answered MALFORMED. The decoder reads pixels, and the CLI carries no rasteriser.
 */
const isSvg = (bytes: Uint8Array, name: string) =>
  /\.svgz?$/i.test(name) || /^\uFEFF?\s*<(\?xml|svg)[\s>]/i.test(Buffer.from(bytes.subarray(0, 512)).toString("utf8"));

/**
 * A PDF, such as the permit the service serves at `…/permits/{id}/pdf` (what an officer usually
 * has): its QR code is a picture inside the page, which the CLI does not render (no PDF reader or
 * rasteriser), and read as text it would only be answered MALFORMED.
 */
const isPdf = (bytes: Uint8Array, name: string) =>
  /\.pdf$/i.test(name) || /^(\xEF\xBB\xBF)?\s*%PDF-/.test(Buffer.from(bytes.subarray(0, 64)).toString("latin1"));

const pdfRefused = (what: string) =>
  new UsageError(
    `${what} is a PDF, and a PDF is not read: scan the QR code printed on it, or use the permit's PNG QR code (…/api/v1/permits/{id}/qr.png) or give its QR text (PR1:…) instead.`,
  );

const svgRefused = (what: string) =>
  new UsageError(
    `${what} is an SVG image, and a QR code is read only from PNG or JPEG. Use the permit's PNG QR code (…/api/v1/permits/{id}/qr.png rather than qr.svg) or give the QR text (PR1:…) instead.`,
  );

export function registerVerifyCommand(program: Command): void {
  withConnection(
    program
      .command("verify")
      .description("verify a permit from its QR text, its verify URL, or an image of its QR code")
      .argument("<input>", "QR text (PR1:…), a verify URL (…/verify#PR1:…), an image file of the QR (PNG or JPEG; not a PDF), a text file holding the QR text, or - for stdin"),
    { auth: false },
  )
    .option("--offline", "no service: check the signature and dates against --trust-list with the SDK")
    .option("--trust-list <file>", "trust list snapshot (from `trust-list export`) for --offline")
    .option("--json", "the full verification result as JSON")
    .action(
      action(async (raw: string, opts: Options) => {
        if (opts.offline && !opts.trustList) throw new UsageError("--offline needs --trust-list <file> (export one with `permit-registry trust-list export -o trust-list.json`).");
        if (opts.trustList && !opts.offline) throw new UsageError("--trust-list is for --offline checks; add --offline (online, the service uses its own trust list).");
        const input = readInput(raw);
        const result = opts.offline ? await verifyOffline(input, loadTrustList(opts.trustList!)) : await verifyOnline(input, opts);
        if (opts.json) printJson(result);
        else console.log(formatVerification(result));
        return result.verdict === "VALID" ? EXIT.OK : EXIT.REFUSED;
      }),
    );
}

export function readInput(raw: string): Input {
  if (raw === "-") {
    const bytes = new Uint8Array(readFileSync(0));
    if (isSvg(bytes, "")) throw svgRefused("stdin");
    if (isPdf(bytes, "")) throw pdfRefused("stdin");
    return { kind: "text", text: Buffer.from(bytes).toString("utf8").trim() };
  }
  if (existsSync(raw) && statSync(raw).isFile()) {
    const bytes = new Uint8Array(readFileSync(raw));
    if (startsWith(bytes, READABLE_IMAGE_MAGIC)) return { kind: "image", bytes, name: raw };
    if (isSvg(bytes, raw)) throw svgRefused(raw);
    if (isPdf(bytes, raw)) throw pdfRefused(raw);
    if (startsWith(bytes, OTHER_IMAGE_MAGIC) || IMAGE_EXT.test(raw)) {
      throw new UsageError(`${raw} is not a PNG or JPEG image, the formats a QR code is read from. Save or convert it as PNG or JPEG, or give the QR text instead.`);
    }
    return { kind: "text", text: Buffer.from(bytes).toString("utf8").trim() };
  }
  if (IMAGE_EXT.test(raw) && !/^[a-z]+:/i.test(raw)) throw new UsageError(`No such image file: ${raw}`);
  if (/\.pdf$/i.test(raw) && !/^[a-z]+:/i.test(raw)) throw new UsageError(`No such file: ${raw} (and a PDF is not read: scan the QR code printed on it, or use the permit's PNG QR code or its QR text).`);
  return { kind: "text", text: raw.trim() };
}

async function verifyOnline(input: Input, opts: Options): Promise<VerificationResult> {
  const api = apiClientFrom(opts, { auth: false });
  if (input.kind === "text") return (await api.post<VerificationResult>("/verify", { qr: input.text }, { auth: false })).body;
  const form = new FormData();
  form.append("image", new Blob([Buffer.from(input.bytes)]), input.name.split(/[\\/]/).pop());
  return (await api.request<VerificationResult>("POST", "/verify", { form, auth: false })).body;
}

async function verifyOffline(input: Input, trustList: TrustListSnapshot): Promise<VerificationResult> {
  const { verify } = await import("../../sdk/verify"); // loaded only here: the SDK's image decoders are heavy
  const result = await verify(input.kind === "text" ? input.text : input.bytes, { trustList });
  return JSON.parse(toJson(result)) as VerificationResult;
}

export function loadTrustList(file: string): TrustListSnapshot {
  let parsed: Partial<TrustListSnapshot>;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new UsageError(`Cannot read the trust list ${file}: ${(cause as Error).message}`, { cause });
  }
  if (parsed?.format !== "permit-registry/trust-list@1" || !Array.isArray(parsed.officers)) {
    throw new UsageError(`${file} is not a trust list (expected "format": "permit-registry/trust-list@1"; export one with \`permit-registry trust-list export\`).`);
  }
  return parsed as TrustListSnapshot;
}

/** The verdict, big, then what it means and the checks. */
export function formatVerification(r: VerificationResult): string {
  const out = process.stdout;
  const ok = r.verdict === "VALID";
  const label = `${ok ? "✔" : "✘"}  ${r.verdict}`;
  const width = Math.max(24, label.length + 8);
  const colour = ok ? "green" : "red";
  const box = [
    `╔${"═".repeat(width)}╗`,
    `║${" ".repeat(4)}${paint(out, "bold", label)}${" ".repeat(width - 4 - label.length)}║`,
    `╚${"═".repeat(width)}╝`,
  ].map((l) => paint(out, colour, l));
  const meaning = (r.mode === "offline" ? OFFLINE_VERDICT_MEANING[r.verdict] : undefined) ?? VERDICT_MEANING[r.verdict] ?? "";
  const lines = [...box, meaning, ""];
  if (r.mode === "offline") {
    const age = r.trustList ? `trust list of block ${r.trustList.blockNumber}, ${formatAge(r.trustList.ageSeconds)} old` : "no trust list";
    lines.push(`offline check (${age}): signature and dates only; the live status is not known.`, "");
  }
  const doc = r.document;
  if (doc) {
    lines.push(
      `  permit       ${doc.permitNumber} (${doc.documentType})`,
      `  issued by    ${doc.issuingCountry} on ${doc.issuedOn}, valid until ${doc.validUntil}`,
      `  exporter     ${doc.exporter?.name ?? "-"} (${doc.exporter?.country ?? "?"})`,
      `  importer     ${doc.importer?.name ?? "-"} (${doc.importer?.country ?? "?"})`,
    );
  }
  if (r.permitId) lines.push(`  permit id    ${r.permitId}`);
  if (r.signer) lines.push(`  signer       ${r.signer}`);
  if (r.replacementId) lines.push(`  replaced by  ${r.replacementId}`);
  if (r.asOf) lines.push(`  as of block  ${r.asOf.blockNumber}`);
  if (r.error) lines.push(`  reason       ${r.error}`);
  lines.push("", table(["check", "result", "why"], Object.entries(r.checks).map(([name, c]) => [name, c.result, c.reason])));
  if (r.lines?.length) {
    lines.push("", table(["line", "authorised", "exported", "unit"], r.lines.map((l) => [l.line, l.authorised, exportedCell(l.exported), l.unit])));
  }
  for (const n of r.nonCompliance ?? []) lines.push(`  non-compliance: ${n.reason} (tx ${n.txHash})`);
  return lines.join("\n");
}

/** `exported` as the chain said it: a quantity, `null` (not endorsed), or absent (the chain was not read). */
const exportedCell = (exported: number | null | undefined) => (exported === null ? "not endorsed" : exported === undefined ? "unknown" : exported);

function formatAge(seconds: number): string {
  if (seconds < 3600) return `${Math.max(0, Math.round(seconds / 60))} min`;
  if (seconds < 86_400 * 2) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
