/**
 * Renders a failover timeline as a standalone SVG: confirmed publishes per second (from the load
 * client's 100 ms buckets) as a line, outage windows (from the TCP probe) as shaded bands, and marks
 * for the fault and other events. Pure: data in, markup out; the bench writes the file.
 */

export interface TimelinePlot {
  readonly title: string;
  /** Width of one bucket in ms. */
  readonly bucketMs: number;
  /** Confirmed messages per bucket, from the start of the run. */
  readonly confirmed: readonly number[];
  /** Shaded windows (ms since the start of the run). */
  readonly outages: readonly { readonly startMs: number; readonly endMs: number; readonly label: string }[];
  /** Vertical marks (ms since the start of the run). */
  readonly marks: readonly { readonly t: number; readonly label: string }[];
  /** Source line at the bottom (how and when it was measured). */
  readonly caption?: string;
}

const W = 860;
const H = 360;
const M = { left: 64, right: 20, top: 40, bottom: 64 };

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** A "nice" axis maximum (1, 2 or 5 times a power of ten) at or above `v`. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].map((m) => m * p).find((c) => c >= v) ?? 10 * p) as number;
}

export function renderTimelineSvg(p: TimelinePlot): string {
  const rates = p.confirmed.map((n) => (n * 1000) / p.bucketMs);
  const durationMs = Math.max(p.bucketMs, rates.length * p.bucketMs);
  const yMax = niceMax(Math.max(1, ...rates) * 1.1);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (ms: number) => M.left + (Math.min(Math.max(ms, 0), durationMs) / durationMs) * pw;
  const y = (rate: number) => M.top + ph - (rate / yMax) * ph;
  const f = (n: number) => n.toFixed(1);

  const xStep = niceMax(durationMs / 1000 / 8);
  const xTicks: string[] = [];
  for (let s = 0; s * 1000 <= durationMs; s += xStep) {
    xTicks.push(
      `<line x1="${f(x(s * 1000))}" y1="${M.top + ph}" x2="${f(x(s * 1000))}" y2="${M.top + ph + 5}" stroke="#444"/>` +
        `<text x="${f(x(s * 1000))}" y="${M.top + ph + 20}" text-anchor="middle">${s}</text>`,
    );
  }
  const yTicks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    yTicks.push(
      `<line x1="${M.left}" y1="${f(y(v))}" x2="${M.left + pw}" y2="${f(y(v))}" stroke="#ddd"/>` +
        `<text x="${M.left - 8}" y="${f(y(v) + 4)}" text-anchor="end">${Math.round(v)}</text>`,
    );
  }
  const points = rates.map((r, i) => `${f(x((i + 0.5) * p.bucketMs))},${f(y(r))}`).join(' ');
  const outages = p.outages.map(
    (o, i) =>
      `<rect class="outage" x="${f(x(o.startMs))}" y="${M.top}" width="${f(Math.max(1, x(o.endMs) - x(o.startMs)))}" height="${ph}" fill="#e4572e" fill-opacity="0.25"/>` +
      `<text x="${f(x(o.endMs) + 4)}" y="${M.top + 14 + 14 * i}" fill="#b23a1b">${escapeXml(o.label)}</text>`,
  );
  const marks = p.marks.map(
    (m, i) =>
      `<line class="mark" x1="${f(x(m.t))}" y1="${M.top}" x2="${f(x(m.t))}" y2="${M.top + ph}" stroke="#333" stroke-dasharray="4 3"/>` +
      `<text x="${f(x(m.t) + 4)}" y="${M.top + 30 + 14 * (p.outages.length + i)}">${escapeXml(m.label)}</text>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<title>${escapeXml(p.title)}</title>
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${M.left}" y="24" font-size="15" font-weight="bold">${escapeXml(p.title)}</text>
${yTicks.join('\n')}
${outages.join('\n')}
<polyline class="rate" fill="none" stroke="#1f6feb" stroke-width="1.5" points="${points}"/>
${marks.join('\n')}
${xTicks.join('\n')}
<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}" stroke="#444"/>
<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="#444"/>
<text x="${M.left + pw / 2}" y="${H - 28}" text-anchor="middle">seconds</text>
<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">confirmed publishes / s</text>
${p.caption ? `<text x="${M.left}" y="${H - 8}" fill="#555">${escapeXml(p.caption)}</text>` : ''}
</svg>
`;
}
