/**
 * Finds a permit for an officer action: scan its QR code with the camera, or paste the QR text,
 * the verify link or the permit id. A QR is resolved to its permit id through POST /verify (which
 * also tells the officer at once whether the permit is genuine). The step is handed to the page
 * only when the verdict and the officer's country allow it (see officerStep.ts); otherwise the
 * lookup says why instead.
 */
import { ApiError, api, messageOf } from "./api";
import { h, notice, replace } from "./dom";
import { countryRefusal, documentCountry, documentTypeRefusal, notShownRefusal, permitCountry, verdictRefusal, type Refusal, type StepKind } from "./officerStep";
import { startCameraScan, type CameraScan } from "./scan";
import type { Officer, PermitView, Verification } from "./types";
import { renderVerdict } from "./verdict";

export type Found = { permit: PermitView; verification?: Verification };

export type LookupOptions = {
  step: StepKind;
  officer: Officer;
  /** A new lookup started: the page takes away the step it showed for the previous permit. */
  onStart(): void;
  /** A permit the officer may take the step on, as far as the verdict and the country tell. */
  onFound(found: Found): void;
};

export function permitLookup({ step, officer, onStart, onFound }: LookupOptions): HTMLElement {
  const status = h("div", { "aria-live": "polite", id: "lookup-status" });
  const input = h("textarea", { id: "permit-input", rows: 2, spellcheck: "false", autocomplete: "off", "aria-describedby": "permit-input-help" });
  const video = h("video", { class: "camera", hidden: true, "aria-label": "Camera preview" });
  let scan: CameraScan | undefined;
  /** The latest lookup: an earlier one answering late must not show its permit's step. */
  let latest = 0;

  function refused(refusal: Refusal, text: string): HTMLElement {
    return h("div", { class: `notice ${refusal.retry ? "notice-warning" : "notice-error"}`, role: "alert", id: "step-refused", "data-reason": refusal.reason },
      h("strong", {}, refusal.title), " ", refusal.text,
      refusal.retry ? h("p", {}, h("button", { type: "button", id: "retry-lookup", class: "secondary", onclick: () => void find(text) }, "Retry")) : null,
    );
  }

  async function find(raw: string): Promise<void> {
    const text = raw.trim();
    const lookup = ++latest;
    const stale = () => lookup !== latest;
    onStart();
    if (!text) return void replace(status, notice("error", "Scan the permit's QR code or paste its text, link or id."));
    replace(status, h("p", { role: "status" }, "Looking the permit up…"));
    try {
      if (/^0x[0-9a-fA-F]{64}$/.test(text)) {
        // An id names a permit but says nothing about the paper in hand.
        const permit = await api<PermitView>(`/permits/${text.toLowerCase()}`);
        if (stale()) return;
        const wrongCountry = countryRefusal(step, officer, permitCountry(step, permit)) ?? documentTypeRefusal(step, permit.documentType);
        if (wrongCountry) return void replace(status, refused(wrongCountry, text));
        replace(status, notice("warning", h("strong", {}, "Found by its id: the paper was not checked. "), "Scan the QR code on the paper (or paste its text) to check that it is genuine before you confirm."));
        return onFound({ permit });
      }
      const verification = await api<Verification>("/verify", { body: { qr: text }, token: null });
      if (stale()) return;
      const byVerdict = verdictRefusal(step, verification.permitId ? verification.verdict : "MALFORMED");
      if (byVerdict) return void replace(status, renderVerdict(verification), refused(byVerdict, text));
      const permitId = verification.permitId!.toLowerCase();
      // A VALID full code's document is the issued one: its countries are known before the permit is fetched.
      const early = countryRefusal(step, officer, documentCountry(step, verification.document));
      if (early) return void replace(status, renderVerdict(verification), refused(early, text));
      let permit: PermitView;
      try {
        permit = await api<PermitView>(`/permits/${permitId}`);
      } catch (err) {
        if (stale()) return;
        if (err instanceof ApiError && err.status === 404) return void replace(status, renderVerdict(verification), refused(notShownRefusal(step, officer), text));
        throw err;
      }
      if (stale()) return;
      const wrongCountry = countryRefusal(step, officer, permitCountry(step, permit)) ?? documentTypeRefusal(step, permit.documentType);
      if (wrongCountry) return void replace(status, renderVerdict(verification), refused(wrongCountry, text));
      replace(status, renderVerdict(verification));
      onFound({ permit, verification });
    } catch (err) {
      if (stale()) return;
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
