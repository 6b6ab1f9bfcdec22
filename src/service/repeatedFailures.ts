/**
 * The log of a loop that runs every few hundred milliseconds (the indexer, the outbox): a failure is
 * logged once, on one line (viem's `shortMessage`, not its dump of URL, request body and version),
 * the same failure again only once a minute with how often it recurred, and the first success
 * after failures says the loop works again. A chain that is down for a minute is then a few lines
 * in the log, not hundreds.
 */
const REPEAT_EVERY_MS = 60_000;

export function repeatedFailures(label: string, log: ((line: string) => void) | undefined, now: () => number = Date.now) {
  let failing: { line: string; since: number; loggedAt: number; times: number } | undefined;
  return {
    failed(err: unknown): void {
      const line = oneLine(err);
      const t = now();
      if (failing?.line === line) {
        failing.times++;
        if (t - failing.loggedAt < REPEAT_EVERY_MS) return;
        log?.(`${label}: still failing (${failing.times} times since ${new Date(failing.since).toISOString()}): ${line}`);
        failing.loggedAt = t;
        return;
      }
      failing = { line, since: failing?.since ?? t, loggedAt: t, times: (failing?.times ?? 0) + 1 };
      log?.(`${label}: ${line}`);
    },
    succeeded(): void {
      if (!failing) return;
      log?.(`${label}: works again (it failed ${failing.times === 1 ? "once" : `${failing.times} times`} since ${new Date(failing.since).toISOString()})`);
      failing = undefined;
    },
  };
}

/** An error's first line: viem's `shortMessage` with its `details` (e.g. "HTTP request failed. (fetch failed)") when it has them. */
function oneLine(err: unknown): string {
  const e = err as { shortMessage?: unknown; message?: unknown; details?: unknown } | null;
  const first = (text: string) => text.split("\n")[0]!.trim();
  if (typeof e?.shortMessage === "string") return typeof e.details === "string" && e.details ? `${first(e.shortMessage)} (${first(e.details)})` : first(e.shortMessage);
  return first(typeof e?.message === "string" ? e.message : String(err));
}
