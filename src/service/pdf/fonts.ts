/**
 * The fonts of the permit PDF: DejaVu Sans (Condensed) from the `dejavu-fonts-ttf` npm package,
 * loaded from node_modules so a fresh CI machine needs no system fonts.
 *
 * Why not pdfkit's built-in Helvetica: the 14 standard PDF fonts are WinAnsi only and print "ō"
 * (Chūō-ku, Kōbe) as garbage. DejaVu covers Latin, Latin Extended A/B, Greek and Cyrillic.
 * License: Bitstream Vera / Arev font license (DejaVu changes public domain) — free to use,
 * embed and redistribute; only modified fonts must be renamed. pdfkit embeds a subset.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export type PdfFontRole = "regular" | "bold" | "italic" | "mono";

const FILES: Record<PdfFontRole, string> = {
  regular: "DejaVuSansCondensed.ttf",
  bold: "DejaVuSansCondensed-Bold.ttf",
  italic: "DejaVuSansCondensed-Oblique.ttf",
  mono: "DejaVuSansMono.ttf",
};

let cache: Record<PdfFontRole, Buffer> | undefined;

/** Directory of the package's TTF files. */
export function fontDirectory(): string {
  return path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
}

/** The TTF bytes of each font role, read once per process. */
export function loadPdfFonts(): Record<PdfFontRole, Buffer> {
  if (!cache) {
    const dir = fontDirectory();
    cache = Object.fromEntries(
      (Object.keys(FILES) as PdfFontRole[]).map((role) => [role, readFileSync(path.join(dir, FILES[role]))]),
    ) as Record<PdfFontRole, Buffer>;
  }
  return cache;
}
