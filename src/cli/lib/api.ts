/**
 * A small client for the registry's REST API (`/api/v1`): bearer token, JSON in and out,
 * problem+json errors as `ApiProblemError`, network failures as `ServiceUnreachableError`.
 */
import { ApiProblemError, ServiceUnreachableError, UsageError, type Problem } from "./errors";

export type ApiClientOptions = {
  /** Service origin, e.g. http://127.0.0.1:8080 (a trailing `/api/v1` is accepted). */
  url: string;
  token?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
};

export type RequestOptions = {
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as multipart/form-data. */
  form?: FormData;
  headers?: Record<string, string>;
  /** Read the answer as text (CSV) instead of JSON. */
  text?: boolean;
  /** Needs `Authorization: Bearer …` (default true). */
  auth?: boolean;
};

export type ApiResponse<T> = { status: number; body: T; headers: Headers };

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * @example
 * const api = createApiClient({ url: "http://127.0.0.1:8080", token });
 * const { body } = await api.get<PermitView>(`/permits/${id}`);
 */
export function createApiClient(options: ApiClientOptions) {
  const origin = normaliseUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 60_000;

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const needsAuth = opts.auth ?? true;
    if (needsAuth && !options.token) {
      throw new UsageError(`${method} ${path} needs an officer token.`, {
        details: "Pass --token <token>, --token-file <file>, --as CH:issuer (demo credentials), or set PERMIT_REGISTRY_TOKEN.",
      });
    }
    const url = new URL(`${origin}/api/v1${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: opts.text ? "text/csv, application/problem+json" : "application/json", ...opts.headers };
    if (needsAuth) headers.authorization = `Bearer ${options.token}`;
    let body: string | FormData | undefined;
    if (opts.form) body = opts.form;
    else if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new ServiceUnreachableError(origin, cause);
    }
    let raw: string;
    try {
      raw = await res.text();
    } catch (cause) {
      throw new ServiceUnreachableError(origin, cause);
    }
    if (!res.ok) throw new ApiProblemError(problemOf(res, raw), `${method} ${url.pathname}`);
    if (opts.text) return { status: res.status, body: raw as T, headers: res.headers };
    try {
      return { status: res.status, body: (raw ? JSON.parse(raw) : undefined) as T, headers: res.headers };
    } catch {
      throw new ApiProblemError({ status: res.status, title: "Unexpected answer", detail: `${method} ${url.pathname} did not answer JSON. Is ${origin} a permit-registry service?` }, `${method} ${url.pathname}`);
    }
  }

  return {
    url: origin,
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>("GET", path, opts),
    post: <T>(path: string, json?: unknown, opts?: RequestOptions) => request<T>("POST", path, { ...opts, json: json ?? {} }),
    delete: <T>(path: string, opts?: RequestOptions) => request<T>("DELETE", path, opts),
  };
}

function normaliseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`--url "${input}" is not an absolute URL (e.g. http://127.0.0.1:8080).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--url "${input}" must be http or https.`);
  return url.toString().replace(/\/+$/, "").replace(/\/api\/v1$/, "");
}

function problemOf(res: Response, raw: string): Problem {
  try {
    const parsed = JSON.parse(raw) as Partial<Problem>;
    if (parsed && typeof parsed === "object") return { ...parsed, status: typeof parsed.status === "number" ? parsed.status : res.status };
  } catch {
    // not JSON: a proxy's or a foreign server's page
  }
  return { status: res.status, title: res.statusText, detail: raw.trim().slice(0, 300) || `HTTP ${res.status} ${res.statusText}` };
}
