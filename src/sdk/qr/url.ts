import { InvalidQrPayloadError, MalformedQrPayloadError } from "./errors";
import { MAX_QR_TEXT_LENGTH } from "./payload";

/** Where a scanned QR code leads when no base URL is configured: the embedded service's verify page. */
export const DEFAULT_VERIFY_BASE_URL = "http://127.0.0.1:8080/verify";

export type ToVerifyUrlOptions = {
  /**
   * Upper-case the base URL (`HTTP://127.0.0.1:8080/VERIFY#PR1:…`) so that everything but the `#`
   * is in the QR alphanumeric set. Scheme and host are case-insensitive, the path is not: the
   * verify page must also answer on the upper-case path. Saves about 8 bytes of QR capacity for
   * a 30-character base URL — no sample permit changes version — hence off by default.
   */
  uppercase?: boolean;
};

/**
 * The QR text as a link to the verifier page: `<baseUrl>#<payload>`, the payload percent-encoded
 * only where a URL fragment requires it (base45's space → `%20`, `%` → `%25`; `$ * + - . / :` are
 * legal in a fragment). The fragment never reaches the server, so the permit stays on the device.
 *
 * @example
 * toVerifyUrl("PR1:6BF...", "https://verify.cites.example/verify") // "https://verify.cites.example/verify#PR1:6BF..."
 */
export function toVerifyUrl(payloadText: string, baseUrl: string = DEFAULT_VERIFY_BASE_URL, options: ToVerifyUrlOptions = {}): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new InvalidQrPayloadError("baseUrl", `"${baseUrl}" is not an absolute URL.`, { cause });
  }
  if (url.hash || baseUrl.includes("#")) throw new InvalidQrPayloadError("baseUrl", "must not contain a fragment (#).");
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidQrPayloadError("baseUrl", "must be http or https.");
  const base = options.uppercase ? baseUrl.toUpperCase() : baseUrl;
  return `${base}#${payloadText.replace(/%/g, "%25").replace(/ /g, "%20")}`;
}

/**
 * Returns the payload text from what a scanner read: either the raw payload (`PR1:…`) or a verify
 * URL on any host (`http(s)://…#PR1:…`, any case), percent-decoding the fragment. Only strips
 * surrounding line breaks and tabs: a space may be the last base45 character. Does not check the
 * payload itself — pass the result to `decodeQrPayload`.
 *
 * @throws MalformedQrPayloadError `bad-url` for a URL without a decodable fragment, `bad-prefix` for anything else.
 */
export function extractQrPayload(input: string): string {
  if (typeof input !== "string") throw new MalformedQrPayloadError("bad-prefix", "expected a string.");
  const text = input.replace(/^[\s]+/, "").replace(/[\r\n\t]+$/, "");
  if (text.length > 3 * MAX_QR_TEXT_LENGTH)
    throw new MalformedQrPayloadError("too-large", `${text.length} characters is too long for a QR code.`);
  if (!/^https?:\/\//i.test(text)) {
    if (/^PR\d/.test(text)) return text;
    throw new MalformedQrPayloadError("bad-prefix", "neither a payload (PR1:…) nor a verify URL (http(s)://…#PR1:…).");
  }
  const hash = text.indexOf("#");
  if (hash < 0 || hash === text.length - 1) throw new MalformedQrPayloadError("bad-url", "the URL has no #fragment with the payload.");
  try {
    return decodeURIComponent(text.slice(hash + 1));
  } catch (cause) {
    throw new MalformedQrPayloadError("bad-url", "the URL fragment is not valid percent-encoding.", { cause });
  }
}
