/**
 * The verify page in a real browser: the camera path with Chromium's fake camera playing the
 * project's own QR code, the QR link landing, untrusted text, keyboard use, offline mode, and the
 * scripts' compressed delivery; what a tampered code, a notice of non-compliance, a damaged code
 * and an unreachable ledger look like; the verdict brought into view on a phone.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { decodeQrImage, renderQrPng } from "../../src/sdk/qr";
import { apiBytes, apiCall, exportPermit, forgedQr, issueAnchored, killChain, launchChromium, onServer, phoneScreenshot, pngToY4m, prepareBrowserTests, qrTextOf, startRegistry, WEB_DIR, type Registry } from "./harness";

/** Screenshots to look at by eye while changing the pages (not kept). */
const LOOK = path.join(os.tmpdir(), "web-fix");

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
    mkdirSync(LOOK, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await registry?.stop();
  });

  async function verdictOf(page: Page): Promise<string> {
    const el = await page.waitForSelector("[data-verdict]", { timeout: 30_000 });
    return (await el.getAttribute("data-verdict"))!;
  }

  /** Waits until the whole verdict box is on screen (the page may scroll smoothly to it). */
  async function verdictInView(page: Page): Promise<void> {
    await page.waitForFunction(() => {
      const box = document.querySelector(".verdict")!.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    }, undefined, { timeout: 5_000 });
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
    const forged = forgedQr(genuineQr, 1200);
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
    // Amber, not green: offline nothing says it was not cancelled or used.
    expect(await page.getAttribute("[data-verdict]", "class")).to.include("verdict-warn");
    expect(await page.textContent("#verdict-word")).to.equal("VALID OFFLINE: STATUS NOT KNOWN");
    await phoneScreenshot(page, "verify-offline");
    await context.close();
  });
  it("keeps the Stop camera button hidden until the camera runs (the hidden attribute wins over the buttons' display)", async () => {
    const page = await browser.newPage();
    await page.goto(`${registry.url}/verify`);
    await page.waitForSelector("#start-camera");
    const stop = page.locator("button", { hasText: "Stop camera" });
    expect(await stop.count()).to.equal(1);
    expect(await stop.isVisible()).to.equal(false);
    await page.close();
  });

  it("on a phone, brings the verdict of a QR link into view, not just its top edge", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(onServer(registry, genuineQr));
    expect(await verdictOf(page)).to.equal("VALID");
    await verdictInView(page);
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("verdict-word");
    await page.screenshot({ path: path.join(LOOK, "verify-phone-link.png") });
    await page.close();
  });

  it("labels a tampered code's content as what the altered code claims, and shows the anchored quantities as the real ones", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(onServer(registry, forgedQr(genuineQr, 1200)));
    expect(await verdictOf(page)).to.equal("TAMPERED");
    expect(await page.textContent("#content-h")).to.equal("What the altered code claims — not what was issued");
    expect(await page.textContent("#claimed .claimed-warning")).to.include("Do not rely on any of it");
    expect(await page.textContent("#lines-h")).to.include("What was issued");
    // Line 1: 120 anchored (the chain has no units), 1,200 claimed.
    expect(await page.textContent('#anchored [data-line="1"] .authorised')).to.equal("120");
    expect(await page.textContent('#anchored [data-line="1"] .claimed-qty')).to.equal("1,200 specimens ✗ differs");
    expect(await page.textContent('#anchored [data-line="1"] .exported')).to.equal("not yet endorsed");
    expect(await page.textContent('#anchored [data-line="2"] .authorised')).to.equal("14.5");
    expect(await page.locator('#anchored [data-line="2"] .differs').count()).to.equal(0);
    // The claimed species stay in the claimed section only.
    expect(await page.locator("#anchored .species").count()).to.equal(0);
    expect(await page.locator("#claimed .species").count()).to.equal(2);
    await page.screenshot({ path: path.join(LOOK, "verify-tampered-details.png"), fullPage: true });
    await page.close();
  });

  it("says in the verdict's headline that a notice of non-compliance is recorded, keeping the verdict VALID", async () => {
    const permit = await issueAnchored(registry, exportPermit("CH-WEB-NC-1"));
    await apiCall(registry, registry.tokens.CH.customs, "POST", `/permits/${permit.permitId}/endorsements`, { items: [{ line: 1, quantity: 100 }, { line: 2, quantity: 14.5 }] });
    await apiCall(registry, registry.tokens.JP.customs, "POST", `/permits/${permit.permitId}/non-compliance`, { reason: "QUANTITY_MISMATCH" });
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(onServer(registry, await qrTextOf(registry, permit.permitId)));
    expect(await verdictOf(page)).to.equal("VALID");
    expect(await page.textContent("#verdict-word")).to.equal("VALID");
    expect(await page.textContent(".verdict #verdict-nc")).to.include("A notice of non-compliance is recorded for this permit (quantity mismatch)");
    await verdictInView(page); // the notice is part of the verdict box, so on the first screen
    await page.screenshot({ path: path.join(LOOK, "verify-non-compliance.png") });
    await page.close();
  });

  it("says a damaged code in plain words, with the technical reason folded away for support", async () => {
    const damaged = `${genuineQr.slice(0, genuineQr.indexOf("#") + 1)}PR1:6BFOXN%*ZA`;
    const { verdict, error } = await apiCall<{ verdict: string; error: string }>(registry, null, "POST", "/verify", { qr: damaged });
    expect(verdict).to.equal("MALFORMED");
    const page = await browser.newPage();
    await page.goto(`${registry.url}/verify`);
    await page.fill("#qr-text", damaged);
    await page.press("#qr-text", "Enter");
    expect(await verdictOf(page)).to.equal("MALFORMED");
    expect(await page.textContent(".verdict-say")).to.equal("This QR code is damaged or is not a permit code of this registry. Scan it again.");
    expect(await page.innerText("#result")).to.not.include(error); // folded away
    expect(await page.textContent("details.verdict-technical summary")).to.equal("Technical details (for support)");
    expect(await page.textContent("details.verdict-technical .verdict-error")).to.equal(error);
    await page.close();
  });

  // Kills this registry's chain: keep it last.
  it("when the registry cannot reach its ledger, says so plainly, keeps the technical reason for support", async () => {
    await killChain(registry);
    const page = await browser.newPage();
    // The service's mirror notices on its next sync (every 500 ms).
    let verdict = "";
    for (const deadline = Date.now() + 10_000; verdict !== "CHAIN_UNREACHABLE" && Date.now() < deadline;) {
      await page.goto(`${registry.url}/verify`);
      await page.fill("#qr-text", genuineQr);
      await page.press("#qr-text", "Enter");
      verdict = await verdictOf(page);
    }
    expect(verdict).to.equal("CHAIN_UNREACHABLE");
    expect(await page.textContent(".verdict-say")).to.equal("The registry could not reach its ledger just now, so whether the permit is still usable is not known; retry shortly. The offline checks below still ran.");
    const shown = await page.innerText("#result");
    expect(shown).to.not.include("RPC");
    expect(await page.textContent("details.verdict-technical .verdict-error")).to.include("Check that the RPC endpoint is running and reachable");
    await page.screenshot({ path: path.join(LOOK, "verify-chain-unreachable.png"), fullPage: true });
    await page.close();
  });
});
