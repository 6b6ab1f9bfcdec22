/**
 * Verify (public): scan with the camera, upload a photo, or paste the QR text or link. Opening a
 * permit's QR link (/verify#PR1:…) verifies at once. With no network, the permit is checked
 * against the trust list saved on this device, and the page says so.
 */
import { ApiError, api, messageOf, NetworkError } from "../lib/api";
import { byId, h, notice, replace } from "../lib/dom";
import { decodePhoto, startCameraScan, type CameraScan } from "../lib/scan";
import { mountPage } from "../lib/shell";
import { refreshTrustList, savedTrustList } from "../lib/trustList";
import type { Verification } from "../lib/types";
import { renderVerdict, renderVerificationDetails } from "../lib/verdict";

const page = mountPage("verify")!;
// The offline verifier is its own bundle; start loading it now so it is there when the network is not.
const OFFLINE_BUNDLE = "/js/offline.js";
const offlineModule = import(OFFLINE_BUNDLE) as Promise<typeof import("../lib/offline")>;
offlineModule.catch(() => undefined);
void refreshTrustList();

const result = h("div", { id: "result", "aria-live": "polite" });
const textArea = h("textarea", { id: "qr-text", name: "qr", rows: 3, autocomplete: "off", spellcheck: "false", "aria-describedby": "qr-text-help" });
const video = h("video", { id: "camera", class: "camera", hidden: true, "aria-label": "Camera preview" });
const cameraStatus = h("p", { id: "camera-status", class: "small", role: "status" });
let scan: CameraScan | undefined;

async function verifyText(text: string): Promise<void> {
  const input = text.trim();
  if (!input) {
    replace(result, notice("error", "Paste the text or link from the permit's QR code first."));
    return;
  }
  replace(result, h("p", { class: "busy", role: "status" }, "Verifying…"));
  let verification: Verification;
  try {
    verification = await api<Verification>("/verify", { body: { qr: input }, token: null });
  } catch (err) {
    if (!(err instanceof NetworkError) && !(err instanceof ApiError && err.status >= 502)) {
      replace(result, notice("error", `Could not verify: ${messageOf(err)}`));
      return;
    }
    const saved = savedTrustList();
    if (!saved) {
      replace(result, notice("error", "Offline, and no trust list is saved on this device, so the permit cannot be checked. Open this page once with a connection to save it."));
      return;
    }
    try {
      verification = await (await offlineModule).verifyOffline(input, saved.list);
    } catch (offlineErr) {
      replace(result, notice("error", `Offline verification failed: ${messageOf(offlineErr)}`));
      return;
    }
  }
  show(verification);
}

/**
 * Shows a verification and brings its verdict to the top of the screen: on a phone the scan and
 * paste cards fill the first screen, and focus alone scrolls only until the verdict's edge shows.
 * The verdict word takes the focus, so a screen reader reads it out.
 */
function show(verification: Verification): void {
  replace(result, renderVerdict(verification), ...renderVerificationDetails(verification));
  const verdict = result.querySelector<HTMLElement>(".verdict");
  verdict?.scrollIntoView({ block: "start", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  byId("verdict-word").focus({ preventScroll: true });
}

async function startCamera(): Promise<void> {
  stopCamera();
  video.hidden = false;
  cameraStatus.textContent = "Starting the camera…";
  try {
    scan = await startCameraScan(video, (text) => {
      video.hidden = true;
      cameraStatus.textContent = "QR code read.";
      stopButton.hidden = true;
      textArea.value = text;
      void verifyText(text);
    });
    cameraStatus.textContent = "Point the camera at the permit's QR code.";
    stopButton.hidden = false;
  } catch (err) {
    video.hidden = true;
    cameraStatus.textContent = `No camera: ${messageOf(err)}. Upload a photo or paste the text instead.`;
  }
}

function stopCamera(): void {
  scan?.stop();
  scan = undefined;
  video.hidden = true;
  stopButton.hidden = true;
}

async function onPhoto(event: Event): Promise<void> {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  replace(result, h("p", { class: "busy", role: "status" }, "Reading the photo…"));
  let text: string | undefined;
  try {
    text = await decodePhoto(file);
  } catch {
    text = undefined;
  }
  if (text) {
    textArea.value = text;
    return verifyText(text);
  }
  // The service tries harder (denoising, rescaling); it also answers MALFORMED with the reason.
  try {
    const form = new FormData();
    form.append("image", file);
    show(await api<Verification>("/verify", { form, token: null }));
  } catch (err) {
    replace(result, notice("error", `No QR code could be read from the photo (${messageOf(err)}). Try a sharper photo, closer to the code.`));
  }
}

const stopButton = h("button", { type: "button", class: "secondary", hidden: true, onclick: stopCamera }, "Stop camera");
const saved = savedTrustList();

replace(page.main,
  h("h1", {}, "Verify a permit"),
  h("p", { class: "lead" }, "Scan the QR code on a CITES permit or phytosanitary certificate to check that it is genuine and still usable."),
  h("div", { class: "verify-inputs" },
    h("section", { class: "card", "aria-labelledby": "scan-h" },
      h("h2", { id: "scan-h" }, "Scan"),
      h("div", { class: "row" },
        h("button", { type: "button", id: "start-camera", onclick: () => void startCamera() }, "Scan with camera"),
        stopButton),
      video,
      cameraStatus,
      h("label", { for: "photo", class: "file-label" }, "Or upload a photo of the code"),
      h("input", { type: "file", id: "photo", accept: "image/*", capture: "environment", onchange: (e) => void onPhoto(e) }),
    ),
    h("section", { class: "card", "aria-labelledby": "paste-h" },
      h("h2", { id: "paste-h" }, "Paste"),
      h("form", { id: "paste-form", onsubmit: (e) => { e.preventDefault(); void verifyText(textArea.value); } },
        h("label", { for: "qr-text" }, "QR text or verify link"),
        textArea,
        h("p", { id: "qr-text-help", class: "small" }, "Starts with PR1: or http…#PR1:. Press Enter to verify."),
        h("button", { type: "submit", id: "verify-button" }, "Verify"),
      ),
    ),
  ),
  result,
  h("p", { class: "small", id: "trust-list-status" },
    saved ? `Trust list saved on this device for offline checks: block ${saved.list.blockNumber}, saved ${saved.savedAt.slice(0, 16).replace("T", " ")} UTC.` : "The trust list for offline checks is saved on this device when the registry can be reached."),
);

// Enter verifies; Shift+Enter adds a line break.
textArea.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) {
    e.preventDefault();
    void verifyText(textArea.value);
  }
});

function fromLocation(): void {
  if (location.hash.length > 1) {
    textArea.value = location.href;
    void verifyText(location.href);
  }
}
window.addEventListener("hashchange", fromLocation);
fromLocation();
