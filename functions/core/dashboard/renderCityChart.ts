// One city's months as an SVG: a min–max band, min and max lines, the mean line with labelled points, °C and
// month axes. Pure: rows in, markup out; every data string is escaped.
import { escapeHtml } from './escapeHtml.ts';
import type { MonthlyRow } from './monthlyRows.ts';
import { niceScale } from './niceScale.ts';

export const CHART = { width: 760, height: 388, left: 56, right: 20, top: 34, bottom: 48 } as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const deg = (v: number) => `${v.toFixed(1)} °C`;
const fmt = (v: number) => v.toFixed(1);

/** Consecutive points joined; a month without readings breaks the line instead of bridging it. */
function linePath(points: readonly ({ x: number; y: number } | undefined)[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${fmt(p.x)},${fmt(p.y)}`;
    pen = true;
  }
  return d;
}

export function monthLabel(row: Pick<MonthlyRow, 'year' | 'month'>): string {
  return `${MONTHS[row.month - 1] ?? '?'} ${row.year}`;
}

export function renderCityChart(rows: readonly MonthlyRow[], id: string): string {
  const { width, height, left, right, top, bottom } = CHART;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = rows.flatMap((r) => [r.min, r.max, r.mean]).filter((v): v is number => v !== null);
  const scale = niceScale(Math.min(...values), Math.max(...values));
  const step = plotW / Math.max(1, rows.length);
  const x = (i: number) => left + step * (i + 0.5);
  const y = (v: number) => top + plotH - ((v - scale.min) / (scale.max - scale.min)) * plotH;
  const at = (pick: (r: MonthlyRow) => number | null) => rows.map((r, i) => {
    const v = pick(r);
    return v === null ? undefined : { x: x(i), y: y(v) };
  });
  const maxPts = at((r) => r.max);
  const minPts = at((r) => r.min);
  // The band is drawn per run of months that have both min and max.
  const bands: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) {
      const upper = run.map((i) => maxPts[i]!);
      const lower = run.map((i) => minPts[i]!).reverse();
      const pad = run.length === 1 ? step * 0.2 : 0;
      const pts = run.length === 1
        ? [{ x: upper[0]!.x - pad, y: upper[0]!.y }, { x: upper[0]!.x + pad, y: upper[0]!.y }, { x: lower[0]!.x + pad, y: lower[0]!.y }, { x: lower[0]!.x - pad, y: lower[0]!.y }]
        : [...upper, ...lower];
      bands.push(`<path class="band" d="${linePath(pts)}Z"/>`);
    }
    run = [];
  };
  rows.forEach((_r, i) => (maxPts[i] && minPts[i] ? run.push(i) : flush()));
  flush();

  const yAxis = scale.ticks
    .map((t) => `<line class="grid" x1="${left}" x2="${width - right}" y1="${fmt(y(t))}" y2="${fmt(y(t))}"/><text class="tick" x="${left - 8}" y="${fmt(y(t) + 4)}" text-anchor="end">${t}</text>`)
    .join('');
  const xAxis = rows
    .map((r, i) => {
      const label = i === 0 || r.month === 1 ? `${MONTHS[r.month - 1]} ${r.year}` : (MONTHS[r.month - 1] ?? '?');
      return `<text class="tick" x="${fmt(x(i))}" y="${height - bottom + 20}" text-anchor="middle">${label}</text>`;
    })
    .join('');
  const points = rows
    .map((r, i) => {
      if (r.mean === null) return '';
      const tip = `${monthLabel(r)}: mean ${deg(r.mean)}, min ${r.min === null ? '–' : deg(r.min)}, max ${r.max === null ? '–' : deg(r.max)}` +
        (r.missingHours > 0 ? `, ${r.missingHours} hours missing` : '');
      return `<circle class="mean-point" cx="${fmt(x(i))}" cy="${fmt(y(r.mean))}" r="4"><title>${escapeHtml(tip)}</title></circle>`;
    })
    .join('');
  const city = escapeHtml(rows[0]?.city ?? '');
  return [
    `<svg id="${id}" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Monthly temperatures, ${city}" xmlns="http://www.w3.org/2000/svg">`,
    `<g class="axis y">${yAxis}<text class="unit" x="${left - 8}" y="${top - 16}" text-anchor="end">°C</text></g>`,
    `<g class="axis x">${xAxis}</g>`,
    bands.join(''),
    `<path class="line line-max" d="${linePath(maxPts)}"/>`,
    `<path class="line line-min" d="${linePath(minPts)}"/>`,
    `<path class="line line-mean" d="${linePath(at((r) => r.mean))}"/>`,
    points,
    '</svg>',
  ].join('\n');
}
