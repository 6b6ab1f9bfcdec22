/**
 * A small grouped bar chart as standalone SVG, so benchmark results render on any Markdown viewer
 * without a chart service. Values are labelled on the bars; an optional dashed line marks a floor
 * or a goal.
 */

export type BarChart = {
  title: string;
  /** Unit of the y axis, shown in its label. */
  yLabel: string;
  /** The x-axis categories (e.g. batch sizes). */
  groups: string[];
  /** One bar per group for each series; `undefined` leaves a gap (not measured / not applicable). */
  series: { name: string; values: (number | undefined)[] }[];
  /** A horizontal reference line, e.g. the storage-slot floor or a goal. */
  reference?: { value: number; label: string };
  /** Log scale suits figures spanning orders of magnitude (gas of EAS vs a bare slot). */
  log?: boolean;
};

const COLOURS = ["#1b6ca8", "#e07b39", "#3a9d5d", "#b84a62", "#7d5ba6", "#8c8c8c"];
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const short = (v: number) =>
  v >= 1e6 ? `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 1)}M` : v >= 1e4 ? `${Math.round(v / 1e3)}k` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v >= 10 ? `${Math.round(v)}` : v.toFixed(1);

/** Renders the chart; sizes are fixed so files diff cleanly between runs. */
export function barChartSvg(chart: BarChart): string {
  const width = 760, height = 380, left = 70, right = 170, top = 40, bottom = 50;
  const plotW = width - left - right, plotH = height - top - bottom;
  const all = chart.series.flatMap((s) => s.values).filter((v): v is number => v !== undefined && v > 0);
  if (chart.reference) all.push(chart.reference.value);
  const max = Math.max(...all) * 1.12;
  const min = chart.log ? Math.pow(10, Math.floor(Math.log10(Math.min(...all)))) : 0;
  const y = (v: number) =>
    chart.log
      ? top + plotH - ((Math.log10(Math.max(v, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * plotH
      : top + plotH - (v / max) * plotH;

  const ticks: number[] = [];
  if (chart.log) for (let t = min; t <= max; t *= 10) ticks.push(t);
  else {
    const step = Math.pow(10, Math.floor(Math.log10(max / 5)));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => max / s <= 7)!;
    for (let t = 0; t <= max; t += nice) ticks.push(t);
  }

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${left}" y="22" font-size="14" font-weight="bold">${escape(chart.title)}</text>`);
  for (const t of ticks) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#555">${short(t)}</text>`);
  }
  out.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#333">${escape(chart.yLabel)}${chart.log ? " (log scale)" : ""}</text>`);

  const groupW = plotW / chart.groups.length;
  const barW = Math.min(34, (groupW * 0.8) / chart.series.length);
  chart.groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + (groupW - barW * chart.series.length) / 2;
    chart.series.forEach((s, si) => {
      const v = s.values[gi];
      const x = x0 + si * barW;
      if (v === undefined) {
        out.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${top + plotH - 4}" text-anchor="middle" fill="#999" font-size="9">n/a</text>`);
        return;
      }
      const yTop = y(v);
      out.push(`<rect x="${x.toFixed(1)}" y="${yTop.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - yTop).toFixed(1)}" fill="${COLOURS[si % COLOURS.length]}"><title>${escape(`${s.name}, ${g}: ${v.toLocaleString("en")}`)}</title></rect>`);
      out.push(`<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(yTop - 3).toFixed(1)}" text-anchor="middle" font-size="9" fill="#222">${short(v)}</text>`);
    });
    out.push(`<text x="${(left + gi * groupW + groupW / 2).toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle" fill="#333">${escape(g)}</text>`);
  });
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);

  if (chart.reference) {
    const ry = y(chart.reference.value).toFixed(1);
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${ry}" y2="${ry}" stroke="#c00" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${left + plotW + 6}" y="${Number(ry) + 4}" fill="#c00">${escape(chart.reference.label)}</text>`);
  }
  chart.series.forEach((s, si) => {
    const ly = top + 10 + si * 18;
    out.push(`<rect x="${left + plotW + 10}" y="${ly + (chart.reference ? 24 : 0)}" width="12" height="12" fill="${COLOURS[si % COLOURS.length]}"/>`);
    out.push(`<text x="${left + plotW + 28}" y="${ly + 10 + (chart.reference ? 24 : 0)}">${escape(s.name)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
