/**
 * Plain JSON-RPC over HTTP with batch requests: the replay sends hundreds of signed transactions
 * and reads every block and receipt, so one HTTP request carries many calls. Standard `eth_*`
 * methods only, so any EVM node will do.
 */

export type RpcCall = { method: string; params: unknown[] };
export type RpcAnswer<T = unknown> = { result: T; error?: undefined } | { result?: undefined; error: { code: number; message: string; data?: unknown } };

export class RpcError extends Error {
  override readonly name = "RpcError";
  constructor(readonly method: string, readonly code: number, message: string, readonly data?: unknown) {
    super(`${method}: ${message}`);
  }
}

let nextId = 1;

/** Sends the calls as one JSON-RPC batch; answers come back in call order, each a result or an error. */
export async function rpcBatch(url: string, calls: readonly RpcCall[], timeoutMs = 30_000): Promise<RpcAnswer[]> {
  if (calls.length === 0) return [];
  const body = calls.map((c) => ({ jsonrpc: "2.0", id: nextId++, method: c.method, params: c.params }));
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new RpcError(calls[0].method, response.status, `HTTP ${response.status} ${await response.text().catch(() => "")}`.trim());
  const answers = (await response.json()) as ({ id: number } & RpcAnswer)[];
  if (!Array.isArray(answers)) {
    const single = answers as { error?: { code: number; message: string } };
    throw new RpcError(calls[0].method, single.error?.code ?? -1, single.error?.message ?? "the node does not accept batch requests");
  }
  const byId = new Map(answers.map((a) => [a.id, a]));
  return body.map((b) => byId.get(b.id) ?? { error: { code: -1, message: "no answer in the batch" } });
}

export async function rpc<T>(url: string, method: string, params: unknown[] = [], timeoutMs?: number): Promise<T> {
  const [answer] = await rpcBatch(url, [{ method, params }], timeoutMs);
  if (answer.error) throw new RpcError(method, answer.error.code, answer.error.message, answer.error.data);
  return answer.result as T;
}
