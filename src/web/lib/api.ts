/**
 * The REST API as the pages use it: JSON in and out, the officer's bearer token from the session,
 * problem+json answers turned into an `ApiError` that keeps `detail` and the per-field `errors`.
 */
import { getToken } from "./session";

export const API = "/api/v1";

export type FieldError = { path: string; rule?: string; message: string };

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail || title);
  }
}

/** The network itself failed (offline, server down): distinct from an HTTP error answer. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
}

type RequestOptions = { method?: string; body?: unknown; form?: FormData; token?: string | null; headers?: Record<string, string> };

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  const token = options.token === undefined ? getToken() : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(`${API}${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  } catch (cause) {
    throw new NetworkError(`Could not reach the registry (${(cause as Error).message}).`);
  }
  if (!res.ok) {
    let problem: { title?: string; detail?: string; errors?: FieldError[] } = {};
    try {
      problem = await res.json();
    } catch {
      // not problem+json (a proxy's error page): keep the status line
    }
    throw new ApiError(res.status, problem.title ?? res.statusText, problem.detail ?? `${res.status} ${res.statusText}`, Array.isArray(problem.errors) ? problem.errors : []);
  }
  return res;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  return (await res.json()) as T;
}

export async function apiBlob(path: string): Promise<Blob> {
  const res = await send(path, { headers: { accept: "*/*" } });
  return res.blob();
}

/** A one-line, human message for any failure. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.errors.length ? ` (${err.errors.map((e) => `${e.path || "document"}: ${e.message}`).join("; ")})` : "";
    return `${err.detail}${fields}`;
  }
  return err instanceof Error ? err.message : String(err);
}
