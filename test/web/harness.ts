/**
 * The browser-test harness: Debian chromium driven by playwright-core against the real service
 * (embedded chain, SQLite) started in-process, serving the freshly built pages.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Jimp } from "jimp";
import { chromium, type Browser, type Page } from "playwright-core";
import { decodeQrImage, decodeQrPayload, encodeQrPayload, extractQrPayload, toVerifyUrl, type FullQrPayload } from "../../src/sdk/qr";
import { startService, type ServiceHandle } from "../../src/service/server";

export const ROOT = path.join(__dirname, "..", "..");
export const WEB_DIR = path.join(ROOT, "src", "web", "public");
export const SCREENSHOTS = path.join(ROOT, "test-results", "web");

/** Installs chromium if missing and bundles the pages; both fast when already done. */
export function prepareBrowserTests(): void {
  execFileSync("bash", [path.join(ROOT, "scripts", "ensure-chromium.sh")], { stdio: "inherit" });
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "build-web.mjs")], { stdio: "inherit" });
  mkdirSync(SCREENSHOTS, { recursive: true });
}

export type Credentials = Record<string, { admin: string; issuer: string; customs: string }>;
export type Registry = { service: ServiceHandle; url: string; tokens: Credentials; dataDir: string; stop(): Promise<void> };

export async function startRegistry(): Promise<Registry> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-web-"));
  const service = await startService({
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", DATABASE_URL: "", RPC_URL: "", PUBLIC_BASE_URL: "" },
    fastKeystore: true,
    webDir: WEB_DIR,
    log: () => {},
  });
  const tokens = JSON.parse(readFileSync(service.credentialsFile!, "utf8")) as Credentials;
  return {
    service, url: service.url, tokens, dataDir,
    async stop() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headless Debian chromium; `extraArgs` e.g. the fake camera flags. Playwright gives each launch a fresh profile dir. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync", ...extraArgs],
  });
}

/** JSON call to the registry's API with an officer token. */
export async function apiCall<T>(registry: Registry, token: string | null, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${registry.url}/api/v1${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function apiBytes(registry: Registry, token: string, route: string): Promise<Buffer> {
  const res = await fetch(`${registry.url}/api/v1${route}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${route}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A valid CH → JP export permit (sample 01's shape) with today's dates. */
export function exportPermit(permitNumber: string, overrides: { exporterName?: string } = {}) {
  return {
    documentType: "CITES_EXPORT_PERMIT",
    permitNumber,
    issuingCountry: "CH",
    issuedOn: day(0),
    validUntil: day(90),
    exporter: { name: overrides.exporterName ?? "Lederwerk Zürich AG", address: "Hardturmstrasse 101, 8005 Zürich", country: "CH" },
    importer: { name: "Kōbe Leather Crafts K.K.", address: "3-1-1 Minatojima, Chūō-ku, Kōbe", country: "JP" },
    purpose: "T",
    items: [
      { line: 1, scientificName: "Python reticulatus", commonName: "Reticulated python", appendix: "II", source: "W", term: "SKI", quantity: 120, unit: "" },
      { line: 2, scientificName: "Python reticulatus", appendix: "II", source: "W", term: "SKP", quantity: 14.5, unit: "kg" },
    ],
  };
}

type PermitView = { permitId: string; status: string; permitNumber: string };

/** Issues through the API and waits until the outbox anchored it. */
export async function issueAnchored(registry: Registry, document: unknown): Promise<PermitView> {
  const issued = await apiCall<PermitView>(registry, registry.tokens.CH.issuer, "POST", "/permits", document);
  return waitForStatus(registry, issued.permitId, "ISSUED");
}

export async function waitForStatus(registry: Registry, permitId: string, status: string): Promise<PermitView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await apiCall<PermitView>(registry, registry.tokens.CH.issuer, "GET", `/permits/${permitId}`);
    if (view.status === status) return view;
    if (Date.now() > deadline) throw new Error(`permit ${permitId} is ${view.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The QR text of an issued permit, read from its QR PNG as a scanner would. */
export async function qrTextOf(registry: Registry, permitId: string): Promise<string> {
  return decodeQrImage(await apiBytes(registry, registry.tokens.CH.issuer, `/permits/${permitId}/qr.png`));
}

/** A forged code: the genuine one with line 1's quantity raised to `quantity`, re-encoded (signature and salt kept). */
export function forgedQr(genuineQr: string, quantity: number): string {
  const payload = decodeQrPayload(extractQrPayload(genuineQr)) as FullQrPayload;
  const document = structuredClone(payload.document) as { items: { quantity: number }[] };
  document.items[0].quantity = quantity;
  return toVerifyUrl(encodeQrPayload({ ...payload, document } as never), genuineQr.slice(0, genuineQr.indexOf("#")));
}

/** Kills the registry's embedded chain (Anvil, started by this registry): the ledger is then unreachable. Only for a file's last tests. */
export async function killChain(registry: Registry): Promise<void> {
  const { pid } = JSON.parse(readFileSync(path.join(registry.dataDir, "chain", "anvil.pid"), "utf8")) as { pid: number };
  process.kill(pid, "SIGKILL");
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 20));
    } catch {
      return;
    }
  }
  throw new Error(`Anvil pid ${pid} did not die`);
}

/** The verify link in a QR, pointed at the test server (the QR names the configured public URL). */
export const onServer = (registry: Registry, qrText: string) => `${registry.url}/verify${qrText.slice(qrText.indexOf("#"))}`;

export async function signInAs(page: Page, registry: Registry, token: string): Promise<void> {
  await page.goto(`${registry.url}/signin`);
  await page.fill("#token", token);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/signin")), page.click("#signin-button")]);
}

/** A full-page screenshot at phone width (375 px) under test-results/web/. */
export async function phoneScreenshot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(100);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
  if (before) await page.setViewportSize(before);
}

/**
 * Turns a PNG into a Y4M video (4:2:0, 10 fps, a few identical frames) for Chromium's fake
 * camera (`--use-file-for-fake-video-capture`). The header is written by hand: YUV4MPEG2, the
 * size (padded to even), frame rate, progressive, square pixels, C420jpeg; each frame is
 * `FRAME\n` then the Y plane and the quarter-size U and V planes (BT.601, full range).
 */
export async function pngToY4m(png: Buffer, file: string, options: { frames?: number; pad?: number } = {}): Promise<void> {
  const image = await Jimp.read(png);
  const pad = options.pad ?? 40;
  const w0 = image.bitmap.width, h0 = image.bitmap.height;
  const W = (w0 + 2 * pad + 1) & ~1, H = (h0 + 2 * pad + 1) & ~1;
  const rgb = (x: number, y: number): [number, number, number] => {
    const sx = x - pad, sy = y - pad;
    if (sx < 0 || sy < 0 || sx >= w0 || sy >= h0) return [255, 255, 255];
    const i = (sy * w0 + sx) * 4, d = image.bitmap.data, a = d[i + 3] / 255;
    return [d[i] * a + 255 * (1 - a), d[i + 1] * a + 255 * (1 - a), d[i + 2] * a + 255 * (1 - a)];
  };
  const Y = Buffer.alloc(W * H), U = Buffer.alloc((W / 2) * (H / 2)), V = Buffer.alloc((W / 2) * (H / 2));
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const [r, g, b] = rgb(x, y);
    Y[y * W + x] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
  }
  for (let y = 0; y < H / 2; y++) for (let x = 0; x < W / 2; x++) {
    let r = 0, g = 0, b = 0;
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
      const [pr, pg, pb] = rgb(2 * x + dx, 2 * y + dy);
      r += pr / 4; g += pg / 4; b += pb / 4;
    }
    U[y * (W / 2) + x] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
    V[y * (W / 2) + x] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
  }
  const frame = Buffer.concat([Buffer.from("FRAME\n"), Y, U, V]);
  const frames = Array.from({ length: options.frames ?? 5 }, () => frame);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
}
