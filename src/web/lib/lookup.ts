/**
 * Finds a permit for an officer action: scan its QR code with the camera, or paste the QR text,
 * the verify link or the permit id. A QR is resolved to its permit id through POST /verify (which
 * also tells the officer at once whether the permit is genuine).
 */
import { api, messageOf } from "./api";
import { h, notice, replace } from "./dom";
import { startCameraScan, type CameraScan } from "./scan";
import type { PermitView, Verification } from "./types";
import { renderVerdict } from "./verdict";

export type Found = { permit: PermitView; verification?: Verification };

export function permitLookup(onFound: (found: Found) => void): HTMLElement {
  const status = h("div", { "aria-live": "polite", id: "lookup-status" });
  const input = h("textarea", { id: "permit-input", rows: 2, spellcheck: "false", autocomplete: "off", "aria-describedby": "permit-input-help" });
  const video = h("video", { class: "camera", hidden: true, "aria-label": "Camera preview" });
  let scan: CameraScan | undefined;

  async function find(raw: string): Promise<void> {
    const text = raw.trim();
    if (!text) return void replace(status, notice("error", "Scan the permit's QR code or paste its text, link or id."));
    replace(status, h("p", { role: "status" }, "Looking the permit up…"));
    try {
      let verification: Verification | undefined;
      let permitId = text;
      if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
        verification = await api<Verification>("/verify", { body: { qr: text }, token: null });
        if (!verification.permitId) return void replace(status, renderVerdict(verification));
        permitId = verification.permitId;
      }
      const permit = await api<PermitView>(`/permits/${permitId.toLowerCase()}`);
      replace(status, verification ? renderVerdict(verification) : null);
      onFound({ permit, verification });
    } catch (err) {
      replace(status, notice("error", `Could not find the permit: ${messageOf(err)}`));
    }
  }

  const camera = async () => {
    scan?.stop();
    video.hidden = false;
    try {
      scan = await startCameraScan(video, (text) => {
        video.hidden = true;
        input.value = text;
        void find(text);
      });
    } catch (err) {
      video.hidden = true;
      replace(status, notice("error", `No camera: ${messageOf(err)}. Paste the text instead.`));
    }
  };

  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void find(input.value);
    }
  });
  return h("section", { class: "card", "aria-labelledby": "lookup-h" },
    h("h2", { id: "lookup-h" }, "1. Find the permit"),
    h("button", { type: "button", class: "secondary", onclick: () => void camera() }, "Scan QR code"),
    video,
    h("label", { for: "permit-input" }, "QR text, verify link or permit id"),
    input,
    h("p", { class: "small", id: "permit-input-help" }, "Press Enter to look it up."),
    h("button", { type: "button", id: "find-permit", onclick: () => void find(input.value) }, "Find permit"),
    status,
  );
}

export function statusBadge(status: string): HTMLElement {
  return h("span", { class: `status status-${status}` }, status);
}
