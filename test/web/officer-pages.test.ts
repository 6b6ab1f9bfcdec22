/**
 * The officers' pages in a real browser, through the whole life of a permit: sign in, issue
 * through the form (validation messages next to the fields first), download the PDF and read its
 * QR code, endorse the export as customs, accept the import on the other side, then see it on
 * the verify page; the permits list, officers and dashboard pages. Screenshots at 375 px. The
 * endorse and accept steps are offered only on a VALID code and to the country that takes them.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { decodeQrImage } from "../../src/sdk/qr";
import { apiCall, exportPermit, forgedQr, issueAnchored, killChain, launchChromium, onServer, phoneScreenshot, prepareBrowserTests, qrTextOf, signInAs, startRegistry, type Registry } from "./harness";

/** Screenshots to look at by eye while changing the pages (not kept). */
const LOOK = path.join(os.tmpdir(), "web-fix");

describe("web: officers' pages (Chromium)", function () {
  this.timeout(120_000);
  let registry: Registry;
  let browser: Browser;
  let qrText: string;
  const downloads = mkdtempSync(path.join(os.tmpdir(), "permit-dl-"));

  before(async () => {
    prepareBrowserTests();
    registry = await startRegistry();
    browser = await launchChromium();
    mkdirSync(LOOK, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await registry?.stop();
  });

  async function officerPage(token: string): Promise<Page> {
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    page.on("dialog", (d) => void d.accept());
    await signInAs(page, registry, token);
    return page;
  }

  /** Pastes `qr` into the lookup of the page open in `page` and waits until it answered. */
  async function lookUp(page: Page, qr: string): Promise<void> {
    await page.fill("#permit-input", qr);
    await page.click("#find-permit");
    await page.waitForSelector("#endorse-form, #confirm-accept, #step-refused, #lookup-status .notice", { timeout: 30_000 });
  }

  it("signs an issuer in with the token and out again", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${registry.url}/signin`);
    await phoneScreenshot(page, "signin");
    await page.fill("#token", "prt_not-a-token");
    await page.click("#signin-button");
    await page.waitForSelector("#signin-message .notice-error");
    await signInAs(page, registry, registry.tokens.CH.issuer);
    expect(new URL(page.url()).pathname).to.equal("/issue");
    expect(await page.textContent(".who-name")).to.include("issuer · CH");
    await Promise.all([page.waitForURL(/\/signin$/), page.click("#sign-out")]);
    expect(await page.evaluate(() => sessionStorage.length)).to.equal(0);
    await page.context().close();
  });

  it("issues a permit through the form, and its PDF carries a QR code that verifies", async () => {
    const page = await officerPage(registry.tokens.CH.issuer);
    // Nothing filled in: the shared schema's messages appear next to the fields.
    await page.click("#preview-button");
    await page.waitForSelector(".field-error");
    const exporterError = await page.locator('[data-field="exporter.name"] .field-error').textContent();
    expect(exporterError).to.include("required");
    expect(await page.getAttribute('[data-path="exporter.name"]', "aria-invalid")).to.equal("true");

    await page.fill('[data-path="permitNumber"]', "CH-WEB-FORM-1");
    await page.fill('[data-path="exporter.name"]', "Lederwerk Zürich AG");
    await page.fill('[data-path="exporter.address"]', "Hardturmstrasse 101, 8005 Zürich");
    await page.fill('[data-path="importer.name"]', "Kōbe Leather Crafts K.K.");
    await page.fill('[data-path="importer.address"]', "3-1-1 Minatojima, Kōbe");
    await page.selectOption('[data-path="importer.country"]', "JP");
    await page.selectOption('[data-path="purpose"]', "T");
    await page.fill('[data-path="items[0].scientificName"]', "Python reticulatus");
    await page.selectOption('[data-path="items[0].appendix"]', "II");
    await page.selectOption('[data-path="items[0].source"]', "W");
    await page.selectOption('[data-path="items[0].term"]', "SKI");
    await page.fill('[data-path="items[0].quantity"]', "10");
    // A second line, added and removed again.
    await page.click("#add-line");
    expect(await page.locator("fieldset.item").count()).to.equal(2);
    await page.click('button[aria-label="Remove line 2"]');
    expect(await page.locator("fieldset.item").count()).to.equal(1);
    await page.click("#preview-button");
    await page.waitForSelector("#preview-h");
    expect(await page.locator(".field-error").count()).to.equal(0);
    await phoneScreenshot(page, "issue-preview");
    await page.click("#issue-button");
    await page.waitForFunction(() => document.querySelector("#issued-status")?.textContent === "ISSUED", undefined, { timeout: 30_000 });
    await phoneScreenshot(page, "issue-done");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-pdf")]);
    expect(download.suggestedFilename()).to.equal("CH-WEB-FORM-1.pdf");
    const pdf = path.join(downloads, "permit.pdf");
    await download.saveAs(pdf);
    expect(readFileSync(pdf).subarray(0, 5).toString()).to.equal("%PDF-");
    execFileSync("pdftoppm", ["-r", "150", "-png", "-f", "1", "-l", "1", pdf, path.join(downloads, "page")]);
    const png = readdirSync(downloads).find((f) => f.startsWith("page") && f.endsWith(".png"))!;
    qrText = await decodeQrImage(readFileSync(path.join(downloads, png)));
    const verification = await apiCall<{ verdict: string }>(registry, null, "POST", "/verify", { qr: qrText });
    expect(verification.verdict).to.equal("VALID");

    const [qrDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-qr")]);
    expect(qrDownload.suggestedFilename()).to.equal("CH-WEB-FORM-1-qr.png");
    await page.context().close();
  });

  it("customs endorse the export with the quantity that left", async () => {
    const page = await officerPage(registry.tokens.CH.customs);
    expect(new URL(page.url()).pathname).to.equal("/endorse");
    await page.fill("#permit-input", qrText);
    await page.press("#permit-input", "Enter");
    await page.waitForSelector("#endorse-form");
    await page.fill("#qty-1", "7");
    await page.fill("#transport-document", "AWB 724-1234 5675");
    await page.fill("#port", "Zürich Airport");
    await page.click("#review-endorsement");
    await phoneScreenshot(page, "endorse");
    await page.click("#confirm-endorsement");
    await page.waitForSelector("#endorse-done", { timeout: 30_000 });
    expect(await page.textContent("#endorse-step")).to.include("ENDORSED");
    await page.context().close();
  });

  it("the importing country accepts the import; the verify page then shows the exported quantity and ALREADY_USED", async () => {
    const page = await officerPage(registry.tokens.JP.customs);
    await page.goto(`${registry.url}/accept`);
    await page.fill("#permit-input", qrText);
    await page.click("#find-permit");
    await page.waitForSelector("#confirm-accept");
    // Box 14 as CH customs gave it: what the importing officer checks the shipment against.
    expect(await page.textContent(".shipment")).to.equal("Shipped under AWB 724-1234 5675, port Zürich Airport");
    await page.check("#accept-check");
    await phoneScreenshot(page, "accept");
    await page.click("#confirm-accept");
    await page.waitForSelector("#accept-done", { timeout: 30_000 });
    expect(await page.textContent("#accept-step")).to.include("USED");

    await page.goto(onServer(registry, qrText));
    const verdict = await page.waitForSelector("[data-verdict]");
    expect(await verdict.getAttribute("data-verdict")).to.equal("ALREADY_USED");
    expect(await page.textContent("#verdict-word")).to.equal("ALREADY USED");
    expect(await page.textContent('[data-line="1"] .exported')).to.equal("7 specimens");
    expect(await page.textContent('[data-line="1"] .authorised')).to.equal("10 specimens");
    const events = await page.locator(".timeline li").evaluateAll((els) => els.map((e) => e.getAttribute("data-event")));
    expect(events).to.deep.equal(["PermitIssued", "ExportEndorsed", "ImportAccepted"]);
    await phoneScreenshot(page, "verify-already-used");
    await page.context().close();
  });

  it("lists the country's permits and cancels one", async () => {
    const permit = await issueAnchored(registry, exportPermit("CH-WEB-CANCEL-1"));
    const page = await officerPage(registry.tokens.CH.issuer);
    await page.goto(`${registry.url}/permits`);
    await page.waitForSelector(`tr[data-permit="${permit.permitId}"]`);
    expect(await page.locator("tbody tr").count()).to.be.greaterThanOrEqual(2);
    await page.click(`tr[data-permit="${permit.permitId}"] button`);
    await page.waitForSelector("#cancel-permit");
    await page.selectOption("#cancel-reason", "WRONGLY_ISSUED");
    await page.click("#cancel-permit");
    await page.waitForFunction(() => document.querySelector("#detail-h .status")?.textContent === "CANCELLED", undefined, { timeout: 30_000 });
    // Each step names who signed it: here the CH issuer, for the issue and the cancellation.
    await page.waitForSelector('.timeline li[data-event="PermitCancelled"]', { timeout: 30_000 });
    for (const event of ["PermitIssued", "PermitCancelled"]) expect(await page.textContent(`.timeline li[data-event="${event}"] .by`)).to.match(/^by .+ \(CH issuer\)$/);
    await phoneScreenshot(page, "permits");
    await page.context().close();
  });

  it("shows older permits page by page, and a search finds a permit older than the first page", async () => {
    // The oldest first, on its own, then a batch of 205 newer ones: the first page of 200 cannot hold it.
    const oldest = "CH-WEB-OLDEST-1";
    await apiCall(registry, registry.tokens.CH.issuer, "POST", "/permits", exportPermit(oldest));
    await new Promise((r) => setTimeout(r, 5));
    const numbers = Array.from({ length: 205 }, (_, i) => `CH-WEB-MANY-${String(i).padStart(3, "0")}`);
    const batch = await apiCall<{ accepted: number }>(registry, registry.tokens.CH.issuer, "POST", "/permits", { permits: numbers.map((n) => exportPermit(n)) });
    expect(batch.accepted).to.equal(numbers.length);
    const page = await officerPage(registry.tokens.CH.issuer);
    await page.goto(`${registry.url}/permits`);
    await page.waitForSelector("#more-permits");
    expect(await page.locator("#permit-list tbody tr").count()).to.equal(200);
    await page.fill("#search", "typed but not searched yet"); // older pages keep the list's query
    await page.dblclick("#more-permits"); // one page more, not two copies of it
    await page.waitForFunction(() => document.querySelectorAll("#permit-list tbody tr").length > 200);
    const rows = await page.locator("#permit-list tbody tr td:first-child").allTextContents();
    expect(rows).to.include.members([oldest, numbers[0], numbers[204]]);
    expect(new Set(rows).size).to.equal(rows.length); // no permit twice
    await page.fill("#search", oldest.toLowerCase());
    await page.click('form[role="search"] button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll("#permit-list tbody tr").length === 1);
    expect(await page.textContent("#permit-list tbody tr td:first-child")).to.equal(oldest);
    expect(await page.locator("#more-permits").count()).to.equal(0);
    await page.context().close();
  });

  it("an admin adds and removes an officer and exports the audit log", async () => {
    const page = await officerPage(registry.tokens.CH.admin);
    expect(new URL(page.url()).pathname).to.equal("/officers");
    await page.waitForSelector("#officer-list table");
    const before = await page.locator("#officer-list tbody tr").count();
    await page.fill("#officer-name", "Beat Keller");
    await page.selectOption("#officer-role", "CUSTOMS");
    await page.click("#add-officer-button");
    await page.waitForSelector("#new-token", { timeout: 30_000 });
    expect(await page.textContent("#new-token")).to.match(/^prt_/);
    await page.waitForFunction((n) => document.querySelectorAll("#officer-list tbody tr").length === n + 1, before);
    await phoneScreenshot(page, "officers");
    await page.click('button[aria-label="Remove Beat Keller"]');
    await page.waitForFunction((n) => document.querySelectorAll("#officer-list tbody tr").length === n, before, { timeout: 30_000 });
    const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#export-audit")]);
    const file = path.join(downloads, "audit.csv");
    await csv.saveAs(file);
    expect(readFileSync(file, "utf8").split("\r\n")[0]).to.include("action");
    await page.context().close();
  });

  it("draws the dashboard's charts", async () => {
    const page = await officerPage(registry.tokens.CH.admin);
    await page.goto(`${registry.url}/dashboard`);
    await page.waitForSelector("#chart-quantities");
    expect(await page.locator(".chart svg").count()).to.equal(5);
    expect(await page.textContent("#chart-status desc")).to.include("CANCELLED: 1");
    const { total } = await apiCall<{ total: number }>(registry, registry.tokens.CH.admin, "GET", "/reports/summary");
    expect(total).to.be.above(200); // the permits of the test above included
    expect(await page.textContent(".lead")).to.include(`${total} permits in the registry`);
    await phoneScreenshot(page, "dashboard");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.context().close();
  });
  it("the endorse form starts empty: a line left blank is not endorsed in full, and 0 can be typed", async () => {
    const permit = await issueAnchored(registry, exportPermit("CH-WEB-EMPTY-1"));
    const page = await officerPage(registry.tokens.CH.customs);
    await lookUp(page, await qrTextOf(registry, permit.permitId));
    await page.waitForSelector("#endorse-form");
    expect(await page.inputValue("#qty-1")).to.equal("");
    expect(await page.inputValue("#qty-2")).to.equal("");
    expect(await page.textContent("#qty-1-hint")).to.equal("of 120 specimens authorised");
    expect(await page.textContent("#qty-2-hint")).to.equal("of 14.5 kg authorised");
    await page.fill("#qty-1", "100");
    await page.click("#review-endorsement");
    expect(await page.locator("#confirm-endorsement").count()).to.equal(0);
    expect(await page.$eval("#qty-2", (el) => (el as HTMLInputElement).validity.valueMissing)).to.equal(true);
    await page.fill("#qty-2", "0");
    await page.click("#review-endorsement");
    await page.waitForSelector("#confirm-endorsement");
    expect(await page.textContent("#endorse-form .notice-info ul")).to.equal("Line 1: 100 specimens of 120 specimensLine 2: 0 kg of 14.5 kg");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(LOOK, "endorse-empty-form.png"), fullPage: true });
    await page.click("#confirm-endorsement");
    await page.waitForSelector("#endorse-done", { timeout: 30_000 });
    const view = await apiCall<{ lines: { exported: number | null }[] }>(registry, registry.tokens.CH.issuer, "GET", `/permits/${permit.permitId}`);
    expect(view.lines.map((l) => l.exported)).to.deep.equal([100, 0]);
    await page.context().close();
  });

  it("offers neither endorsement nor acceptance on a tampered code, says why, and takes away the previous permit's form", async () => {
    const permit = await issueAnchored(registry, exportPermit("CH-WEB-FORGED-1"));
    const genuine = await qrTextOf(registry, permit.permitId);
    const forged = forgedQr(genuine, 1200);

    const customs = await officerPage(registry.tokens.CH.customs);
    await lookUp(customs, genuine);
    await customs.waitForSelector("#endorse-form");
    await lookUp(customs, forged);
    expect(await customs.getAttribute("[data-verdict]", "data-verdict")).to.equal("TAMPERED");
    expect(await customs.getAttribute("#step-refused", "data-reason")).to.equal("TAMPERED");
    expect(await customs.textContent("#step-refused")).to.equal("Endorsement not offered. This code does not match what was issued: do not accept the paper; hold the shipment and report the document.");
    expect(await customs.locator("#endorse-form").count()).to.equal(0);
    await customs.setViewportSize({ width: 390, height: 844 });
    await customs.screenshot({ path: path.join(LOOK, "endorse-tampered.png"), fullPage: true });
    await customs.context().close();

    const importer = await officerPage(registry.tokens.JP.customs);
    await importer.goto(`${registry.url}/accept`);
    await lookUp(importer, forged);
    expect(await importer.getAttribute("#step-refused", "data-reason")).to.equal("TAMPERED");
    expect(await importer.textContent("#step-refused")).to.include("Acceptance not offered. This code does not match what was issued: do not accept the paper");
    expect(await importer.locator("#confirm-accept").count()).to.equal(0);
    await importer.context().close();
  });

  it("says at once that an officer of another country may not endorse the export or accept the import", async () => {
    const permit = await issueAnchored(registry, exportPermit("CH-WEB-COUNTRY-1")); // CH → JP
    const qr = await qrTextOf(registry, permit.permitId);

    const japanese = await officerPage(registry.tokens.JP.customs);
    await japanese.goto(`${registry.url}/endorse`);
    await lookUp(japanese, qr);
    expect(await japanese.getAttribute("[data-verdict]", "data-verdict")).to.equal("VALID");
    expect(await japanese.getAttribute("#step-refused", "data-reason")).to.equal("COUNTRY");
    expect(await japanese.textContent("#step-refused")).to.equal("Endorsement not offered. This permit is for an export from Switzerland (CH): only customs of Switzerland (CH) can endorse it. You are signed in as an officer of Japan (JP).");
    expect(await japanese.locator("#endorse-form").count()).to.equal(0);
    await japanese.context().close();

    const swiss = await officerPage(registry.tokens.CH.customs);
    await swiss.goto(`${registry.url}/accept`);
    await lookUp(swiss, qr);
    expect(await swiss.getAttribute("#step-refused", "data-reason")).to.equal("COUNTRY");
    expect(await swiss.textContent("#step-refused")).to.include("only officers of Japan (JP) can accept it");
    expect(await swiss.locator("#confirm-accept").count()).to.equal(0);
    await swiss.setViewportSize({ width: 390, height: 844 });
    await swiss.screenshot({ path: path.join(LOOK, "accept-other-country.png"), fullPage: true });
    await swiss.context().close();
  });

  it("offers no endorsement for an import permit: it is the export permit that is endorsed", async () => {
    const base = exportPermit("CH-WEB-IMPORT-1");
    const importPermit = {
      ...base,
      documentType: "CITES_IMPORT_PERMIT",
      exporter: { ...base.exporter, country: "JP" }, // CH imports from JP
      importer: { ...base.importer, country: "CH" },
    };
    const permit = await issueAnchored(registry, importPermit);
    const exporting = await officerPage(registry.tokens.JP.customs);
    await exporting.goto(`${registry.url}/endorse`);
    await lookUp(exporting, await qrTextOf(registry, permit.permitId));
    expect(await exporting.getAttribute("[data-verdict]", "data-verdict")).to.equal("VALID");
    expect(await exporting.getAttribute("#step-refused", "data-reason")).to.equal("DOCUMENT_TYPE");
    expect(await exporting.textContent("#step-refused")).to.include("This is an import permit: it is not endorsed at export.");
    expect(await exporting.locator("#endorse-form").count()).to.equal(0);
    await exporting.context().close();
  });

  it("offers no step on a permit already used or cancelled", async () => {
    const importer = await officerPage(registry.tokens.JP.customs);
    await importer.goto(`${registry.url}/accept`);
    await lookUp(importer, qrText); // accepted above
    expect(await importer.getAttribute("#step-refused", "data-reason")).to.equal("ALREADY_USED");
    expect(await importer.locator("#confirm-accept").count()).to.equal(0);
    await importer.context().close();

    const cancelled = await issueAnchored(registry, exportPermit("CH-WEB-CANCEL-2"));
    await apiCall(registry, registry.tokens.CH.issuer, "POST", `/permits/${cancelled.permitId}/cancel`, { reason: "LOST" });
    const customs = await officerPage(registry.tokens.CH.customs);
    await lookUp(customs, await qrTextOf(registry, cancelled.permitId));
    expect(await customs.getAttribute("#step-refused", "data-reason")).to.equal("CANCELLED");
    expect(await customs.textContent("#step-refused")).to.include("cancelled this permit, so the export cannot be endorsed");
    expect(await customs.locator("#endorse-form").count()).to.equal(0);
    await customs.context().close();
  });

  // Kills this registry's chain: keep it last.
  it("when the ledger cannot be reached, offers no endorsement and says to retry", async () => {
    const permit = await issueAnchored(registry, exportPermit("CH-WEB-NOCHAIN-1"));
    const qr = await qrTextOf(registry, permit.permitId);
    const page = await officerPage(registry.tokens.CH.customs);
    await killChain(registry);
    // The service's mirror notices on its next sync (every 500 ms).
    let reason: string | null = null;
    for (const deadline = Date.now() + 10_000; reason !== "CHAIN_UNREACHABLE" && Date.now() < deadline;) {
      await lookUp(page, qr);
      reason = await page.locator("#step-refused").getAttribute("data-reason", { timeout: 1_000 }).catch(() => null);
    }
    expect(reason).to.equal("CHAIN_UNREACHABLE");
    expect(await page.textContent("#step-refused")).to.include("Endorsement not offered. The registry cannot reach its ledger just now, so the export cannot be endorsed at the moment. Retry in a minute.");
    expect(await page.locator("#endorse-form").count()).to.equal(0);
    await page.click("#retry-lookup"); // asks again
    await page.waitForSelector("#step-refused[data-reason=CHAIN_UNREACHABLE]");
    await page.context().close();
  });
});
