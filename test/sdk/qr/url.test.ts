import { expect } from "chai";
import { BASE45_ALPHABET } from "../../../src/sdk/qr/transport";
import {
  decodeQrPayload,
  DEFAULT_VERIFY_BASE_URL,
  extractQrPayload,
  InvalidQrPayloadError,
  MalformedQrPayloadError,
  toVerifyUrl,
} from "../../../src/sdk/qr";
import { sampleTexts } from "./fixtures";

const QR_ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

describe("qr/url: the payload as a verify link", () => {
  it("puts the payload after # on the default verify page", () => {
    expect(toVerifyUrl("PR1:ABC")).to.equal(`${DEFAULT_VERIFY_BASE_URL}#PR1:ABC`);
    expect(DEFAULT_VERIFY_BASE_URL).to.equal("http://127.0.0.1:8080/verify");
  });

  it("percent-encodes only space and % of the base45 alphabet", () => {
    const url = toVerifyUrl(`PR1:${BASE45_ALPHABET}`, "https://verify.example.org/verify");
    expect(url).to.equal("https://verify.example.org/verify#PR1:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ%20$%25*+-./:");
    // Every character left is legal in a URL fragment (RFC 3986 pchar / "/" / "?").
    expect(url.split("#")[1]).to.match(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/);
    expect(extractQrPayload(url)).to.equal(`PR1:${BASE45_ALPHABET}`);
  });

  it("survives the WHATWG URL parser (what a browser's location.hash gives)", () => {
    const payload = `PR1:${BASE45_ALPHABET}`;
    const hash = new URL(toVerifyUrl(payload)).hash;
    expect(extractQrPayload(`http://x/verify${hash}`)).to.equal(payload);
  });

  it("round-trips every sample through the URL, from any host and in upper case", async () => {
    for (const { text } of await sampleTexts()) {
      for (const url of [toVerifyUrl(text), toVerifyUrl(text, "https://permits.example.ch:8443/app/verify"), toVerifyUrl(text, undefined, { uppercase: true })]) {
        expect(extractQrPayload(url)).to.equal(text);
        expect(decodeQrPayload(extractQrPayload(url))).to.deep.equal(decodeQrPayload(text));
      }
    }
  });

  it("upper-case form is QR alphanumeric except for the #", async () => {
    const [{ text }] = await sampleTexts();
    const url = toVerifyUrl(text, undefined, { uppercase: true });
    expect(url.startsWith("HTTP://127.0.0.1:8080/VERIFY#PR1:")).to.equal(true);
    const [base, fragment] = url.split("#");
    expect(base).to.match(QR_ALPHANUMERIC);
    expect(fragment).to.match(QR_ALPHANUMERIC);
  });

  it("passes a raw payload through, trimming line breaks a scanner may add", () => {
    expect(extractQrPayload("PR1:ABC")).to.equal("PR1:ABC");
    expect(extractQrPayload("  PR1:AB \r\n")).to.equal("PR1:AB ");
    expect(extractQrPayload("PR2:ABC")).to.equal("PR2:ABC"); // decodeQrPayload reports the version
  });

  it("rejects what carries no payload with MalformedQrPayloadError", () => {
    const cases: [string, string][] = [
      ["hello", "bad-prefix"],
      ["", "bad-prefix"],
      ["https://example.org/verify", "bad-url"],
      ["https://example.org/verify#", "bad-url"],
      ["https://example.org/verify#PR1:%E0%A4%A", "bad-url"],
    ];
    for (const [input, reason] of cases) {
      expect(() => extractQrPayload(input), input).to.throw(MalformedQrPayloadError).with.property("reason", reason);
    }
  });

  it("refuses a base URL that is relative, not http(s), or has a fragment", () => {
    for (const base of ["/verify", "ftp://x/verify", "https://x/verify#a"]) {
      expect(() => toVerifyUrl("PR1:A", base), base).to.throw(InvalidQrPayloadError).with.property("field", "baseUrl");
    }
  });
});
