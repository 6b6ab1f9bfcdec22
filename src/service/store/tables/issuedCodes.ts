/** The QR codes the service handed out, by the digest of their payload, with the reading each gave. */
import type { SqlExecutor } from "../driver";
import { str } from "../rows";

/** Records a code's reading; a code recorded already keeps its first (the same text reads the same). */
export async function recordIssuedCode(db: SqlExecutor, now: string, code: { digest: string; permitId: string; reading: string }): Promise<void> {
  await db.run("INSERT INTO issued_codes (digest, permit_id, reading, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING", [
    code.digest,
    code.permitId,
    code.reading,
    now,
  ]);
}

export async function issuedCodeReading(db: SqlExecutor, digest: string): Promise<string | undefined> {
  const [row] = await db.all("SELECT reading FROM issued_codes WHERE digest = ?", [digest]);
  return row && str(row.reading);
}
