/**
 * Small hand-written SVG charts (no library, nothing fetched): horizontal bars, which stay legible
 * on a 375 px phone. Each chart has a title and description for screen readers and a table of
 * its numbers behind a disclosure.
 */
import { h, svg } from "./dom";

export type Bar = { label: string; values: number[] };

const COLOURS = ["#0a58ca", "#2da44e", "#bf8700", "#a40e26", "#8250df", "#57606a"];

/** Bars with one or more series (`series` names them; e.g. authorised and exported). */
export function barChart(id: string, title: string, bars: Bar[], series: string[] = ["count"]): HTMLElement {
  const width = 360;
  const labelWidth = 130;
  const rowHeight = 16 * series.length + 10;
  const height = Math.max(1, bars.length) * rowHeight + 10;
  const max = Math.max(1, ...bars.flatMap((b) => b.values));
  const plot = width - labelWidth - 50;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": `${id}-t ${id}-d` },
    svg("title", { id: `${id}-t` }, title),
    svg("desc", { id: `${id}-d` }, bars.map((b) => `${b.label}: ${b.values.map((v, i) => `${series.length > 1 ? `${series[i]} ` : ""}${v}`).join(", ")}`).join("; ") || "no data"),
    bars.flatMap((b, row) => {
      const y = 5 + row * rowHeight;
      return [
        svg("text", { x: labelWidth - 8, y: y + rowHeight / 2, "text-anchor": "end", "dominant-baseline": "middle", "font-size": 12, fill: "#1b1f24" }, b.label.length > 18 ? `${b.label.slice(0, 17)}…` : b.label),
        ...b.values.flatMap((v, i) => {
          const w = (v / max) * plot;
          const by = y + 3 + i * 16;
          return [
            svg("rect", { x: labelWidth, y: by, width: Math.max(v > 0 ? 2 : 0, w), height: 13, rx: 2, fill: COLOURS[i % COLOURS.length] }),
            svg("text", { x: labelWidth + w + 6, y: by + 7, "dominant-baseline": "middle", "font-size": 12, fill: "#1b1f24" }, String(Number(v.toFixed(3)))),
          ];
        }),
      ];
    }),
  );
  return h("figure", { class: "card chart", id },
    h("h2", {}, title),
    bars.length ? chart : h("p", { class: "small" }, "No data yet."),
    series.length > 1 ? h("p", { class: "legend" }, series.map((s, i) => [h("span", { style: `color:${COLOURS[i]}`, "aria-hidden": "true" }, "■ "), `${s}  `])) : null,
    bars.length ? h("details", {}, h("summary", {}, "Numbers"),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), series.map((s) => h("th", { scope: "col" }, s)))),
        h("tbody", {}, bars.map((b) => h("tr", {}, h("th", { scope: "row" }, b.label), b.values.map((v) => h("td", {}, String(v)))))))) : null,
  );
}
