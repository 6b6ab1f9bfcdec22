/**
 * The verify page in a real browser: the camera path with Chromium's fake camera playing the
 * project's own QR code, the QR link landing, untrusted text, keyboard use, offline mode, and the
 * scripts' compressed delivery.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { decodeQrImage, decodeQrPayload, encodeQrPayload, extractQrPayload, renderQrPng, toVerifyUrl, type FullQrPayload } from "../../src/sdk/qr";
import { apiBytes, exportPermit, issueAnchored, launchChromium, onServer, phoneScreenshot, pngToY4m, prepareBrowserTests, startRegistry, WEB_DIR, type Registry } from "./harness";

describe("web: verify page (Chromium)", function () {
  this.timeout(120_000);
  let registry: Registry;
  let browser: Browser;
  let genuineQr: string;
  let genuinePng: Buffer;
  const videos = mkdtempSync(path.join(os.tmpdir(), "permit-y4m-"));

  before(async () => {
    prepareBrowserTests();
    registry = await startRegistry();
    const permit = await issueAnchored(registry, exportPermit("CH-WEB-VERIFY-1"));
    genuinePng = await apiBytes(registry, registry.tokens.CH.issuer, `/permits/${permit.permitId}/qr.png`);
    genuineQr = await decodeQrImage(genuinePng);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await registry?.stop();
  });

  async function verdictOf(page: Page): Promise<string> {
    const el = await page.waitForSelector("[data-verdict]", { timeout: 30_000 });
    return (await el.getAttribute("data-verdict"))!;
  }

  async function scanWithFakeCamera(png: Buffer, name: string): Promise<{ verdict: string; page: Page; camera: Browser }> {
    const file = path.join(videos, `${name}.y4m`);
    await pngToY4m(png, file);
    const camera = await launchChromium(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${file}`]);
    const page = await camera.newPage();
    await page.goto(`${registry.url}/verify`);
    await page.click("#start-camera");
    return { verdict: await verdictOf(page), page, camera };
  }

  it("scans a genuine permit's QR code with the camera and shows VALID", async () => {
    const { verdict, page, camera } = await scanWithFakeCamera(genuinePng, "genuine");
    try {
      expect(verdict).to.equal("VALID");
      expect(await page.textContent("#verdict-word")).to.equal("VALID");
      expect(await page.textContent("#as-of")).to.match(/^As of block \d+, time \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
      expect(await page.textContent("#permit-number")).to.equal("CH-WEB-VERIFY-1");
      await phoneScreenshot(page, "verify-valid");
    } finally {
      await camera.close();
    }
  });

  it("scans a tampered QR code (quantity raised, re-encoded) and does not show VALID", async () => {
    const payload = decodeQrPayload(extractQrPayload(genuineQr)) as FullQrPayload;
    const document = structuredClone(payload.document) as { items: { quantity: number }[] };
    document.items[0].quantity = 1200;
    const forged = toVerifyUrl(encodeQrPayload({ ...payload, document } as never), genuineQr.slice(0, genuineQr.indexOf("#")));
    const { verdict, page, camera } = await scanWithFakeCamera(await renderQrPng(forged), "tampered");
    try {
      expect(verdict).to.equal("TAMPERED");
      expect(await page.textContent("#verdict-word")).to.not.include("VALID");
      await phoneScreenshot(page, "verify-tampered");
    } finally {
      await camera.close();
    }
  });

  it("verifies at once when opened from the QR link (/verify#PR1:…)", async () => {
    const page = await browser.newPage();
    await page.goto(onServer(registry, genuineQr));
    expect(await verdictOf(page)).to.equal("VALID");
    expect(await page.locator(".check-passed").count()).to.equal(3);
    await page.close();
  });

  it("verifies from the QR format's upper-case link too (/VERIFY#PR1:…, redirected with its payload)", async () => {
    const page = await browser.newPage();
    const url = onServer(registry, genuineQr).replace("/verify#", "/VERIFY#");
    expect(url).to.contain("/VERIFY#");
    await page.goto(url);
    expect(new URL(page.url()).pathname).to.equal("/verify");
    expect(await verdictOf(page)).to.equal("VALID");
    await page.close();
  });

  it("shows an exporter named <script>alert(1)</script> as text, and runs nothing", async () => {
    const hostile = "<script>alert(1)</script>";
    const permit = await issueAnchored(registry, exportPermit("CH-WEB-XSS-1", { exporterName: hostile }));
    const qr = await decodeQrImage(await apiBytes(registry, registry.tokens.CH.issuer, `/permits/${permit.permitId}/qr.png`));
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(onServer(registry, qr));
    expect(await verdictOf(page)).to.equal("VALID");
    expect(await page.textContent("#exporter .party-name")).to.equal(hostile);
    expect(await page.locator("#exporter script").count()).to.equal(0);
    await page.waitForTimeout(300);
    expect(dialogs).to.deep.equal([]);
    await page.close();
  });

  it("works with the keyboard alone: Tab to the paste box, type, Enter", async () => {
    const page = await browser.newPage();
    await page.goto(`${registry.url}/verify`);
    let focused = "";
    for (let i = 0; i < 25 && focused !== "qr-text"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.id ?? "");
    }
    expect(focused).to.equal("qr-text");
    await page.keyboard.insertText(genuineQr);
    await page.keyboard.press("Enter");
    expect(await verdictOf(page)).to.equal("VALID");
    // The verdict takes the focus, so a screen reader reads it out.
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("verdict-word");
    await page.close();
  });

  it("sends the page's scripts brotli-compressed to the browser (about a quarter of the bytes), and as they are to a client that accepts no encoding", async () => {
    const page = await browser.newPage();
    const scripts: { url: string; encoding?: string; sent: number }[] = [];
    page.on("requestfinished", async (request) => {
      if (!/\/js\/[^/]+\.js$/.test(new URL(request.url()).pathname)) return;
      const response = await request.response();
      scripts.push({ url: request.url(), encoding: response?.headers()["content-encoding"], sent: (await request.sizes()).responseBodySize });
    });
    await page.goto(`${registry.url}/verify`);
    await page.fill("#qr-text", genuineQr);
    await page.press("#qr-text", "Enter");
    expect(await verdictOf(page)).to.equal("VALID"); // the scripts ran
    await page.close();
    expect(scripts.length).to.be.greaterThan(1);
    let raw = 0;
    let sent = 0;
    for (const script of scripts) {
      expect(script.encoding, script.url).to.equal("br");
      const file = readFileSync(path.join(WEB_DIR, new URL(script.url).pathname));
      raw += file.length;
      sent += script.sent;
      // Without Accept-Encoding: the file itself.
      const plain = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) =>
        http.get(script.url, { headers: { "accept-encoding": "identity" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }));
        }).on("error", reject),
      );
      expect(plain.encoding, script.url).to.equal(undefined);
      expect(plain.body.equals(file), script.url).to.equal(true);
    }
    expect(sent / raw).to.be.below(0.35);
  });

  it("verifies offline against the saved trust list, and says so", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${registry.url}/verify`);
    await page.waitForFunction(() => localStorage.getItem("permit-registry.trust-list") !== null);
    await page.waitForLoadState("networkidle");
    await context.setOffline(true);
    await page.fill("#qr-text", genuineQr);
    await page.press("#qr-text", "Enter");
    const v = await verdictOf(page);
    if (v !== "VALID") console.log(await page.textContent("#result"));
    expect(v).to.equal("VALID");
    expect(await page.textContent("#offline-notice")).to.include("Offline check");
    expect(await page.textContent(".verdict-mode")).to.include("Offline");
    await phoneScreenshot(page, "verify-offline");
    await context.close();
  });
});
