/** How the CLI prints a permit record (GET /permits/{id}, and the answers of endorse/use/cancel). */
import type { PermitView } from "../../service/domain/views";
import { paint, table } from "../lib/output";

/** The service's answer for a permit (the same type the service sends). */
export type { PermitView } from "../../service/domain/views";

const STATUS_COLOUR: Record<string, "green" | "red" | "yellow"> = {
  ISSUED: "green", ENDORSED: "green", PENDING: "yellow", USED: "yellow", CANCELLED: "red", REPLACED: "yellow", FAILED: "red",
};

export function formatPermit(view: PermitView): string {
  const status = paint(process.stdout, STATUS_COLOUR[view.status] ?? "bold", view.status);
  const out = [
    `${view.permitNumber}  ${status}${view.failureReason ? ` (${view.failureReason})` : ""}${view.nonCompliance ? "  non-compliance recorded" : ""}`,
    `  id           ${view.permitId}`,
    `  type         ${view.documentType}, issued by ${view.issuingCountry}`,
    `  route        ${view.exportingCountry ?? "?"} → ${view.importingCountry ?? "?"}`,
    `  valid until  ${view.validUntil ?? "-"}`,
    `  anchored     ${view.txHash ? `${view.txHash} (block ${view.blockNumber})` : "not yet"}`,
    "",
    table(
      ["line", "species", "authorised", "exported", "unit"],
      view.lines.map((l) => [l.line, l.scientificName, l.authorised, l.exported, l.unit]),
    ),
  ];
  if (view.history.length) {
    out.push("", "history:", table(["event", "at", "country", "officer", "tx"], view.history.map((h) => [h.event, h.at, h.country, h.officer, h.txHash])));
  }
  return out.join("\n");
}
