// The dashboard: one self-contained HTML page (no CDN, no external requests; a CSP says so) with an overview
// heatmap of every city × month, a comparison of up to 5 cities, and a month's days on click. The data goes in as
// escaped JSON (dashboardData) and the script draws it; the selection lives in the URL's hash.
import { dashboardData, embedJson, type DayRow } from './dashboardData.ts';
import { DASHBOARD_SCRIPT } from './dashboardScript.ts';
import { DASHBOARD_STYLE } from './dashboardStyle.ts';
import { escapeHtml } from './escapeHtml.ts';
import type { MonthlyRow } from './monthlyRows.ts';

export interface DashboardOptions {
  title?: string;
  generatedAt?: Date;
  /** Every city's days, embedded: for a page opened as a file. */
  days?: Iterable<DayRow>;
  /** Or the API route the page asks for a month's days (served pages). */
  daysUrl?: string;
}

export const ATTRIBUTION = 'Weather data by Open-Meteo.com (CC BY 4.0), ERA5';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthName = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1] ?? '?'} ${m.slice(0, 4)}`;

function subtitle(cities: number, months: readonly string[], generatedAt: Date | undefined): string {
  const span = months.length === 0 ? '' : ` · ${monthName(months[0]!)} – ${monthName(months[months.length - 1]!)}`;
  const generated = generatedAt ? ` · generated ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  return `${cities.toLocaleString('en-US')} ${cities === 1 ? 'city' : 'cities'}${span} · hourly 2 m air temperature, UTC months${generated}`;
}

const BODY = `
<section id="overview">
<div class="bar"><h2>Overview</h2>
<span class="control"><label for="metric">Show</label> <select id="metric"><option value="mean">mean</option><option value="min">min</option><option value="max">max</option></select></span>
<span class="control"><label for="sort">Sort by</label> <select id="sort"><option value="lat">latitude, north first</option><option value="name">name</option></select></span>
<button type="button" id="overview-csv" title="Download the cells shown as CSV">CSV</button></div>
<div class="scroll" id="heatmap-box"><svg id="heatmap" role="img" aria-label="Heatmap of cities by month"></svg></div>
<div class="legend"><span><svg id="scale" aria-label="Colour scale in °C"></svg></span>
<span><svg width="14" height="14" style="display:inline;vertical-align:-2px;margin-right:5px"><rect width="14" height="14" rx="3" fill="#ced4da"/><path d="M6,0h8v8z" fill="#1f2328"/></svg>hours missing</span>
<span><i class="swatch" style="background:repeating-linear-gradient(45deg,#f1f3f5 0 3px,#adb5bd 3px 5px)"></i>no readings</span>
<span>°C; click a cell for its days, a city to compare</span></div>
</section>
<section id="compare">
<div class="bar"><h2>Compare <span class="note" id="compare-metric"></span></h2>
<select id="add-city" aria-label="Add a city to the comparison"></select>
<button type="button" id="compare-csv" title="Download the lines shown as CSV">CSV</button></div>
<ul class="chips" id="chips"></ul>
<div id="compare-box"><svg id="compare-chart" role="img" aria-label="Comparison chart"></svg></div>
<p class="note" id="compare-note"></p>
<p class="hint">Hollow points: months with hours missing. Click a point for its days.</p>
</section>
<section id="days" hidden>
<div class="bar"><h2 id="days-title">Days</h2><button type="button" id="days-csv" title="Download the days shown as CSV">CSV</button><button type="button" id="close-days" aria-label="Close the days">Close</button></div>
<div id="days-box"><svg id="day-chart" role="img" aria-label="Days of the month"></svg></div>
<p class="note" id="days-note"></p>
</section>`;

export function renderDashboard(rows: readonly MonthlyRow[], options: DashboardOptions = {}): string {
  const title = options.title ?? 'Monthly temperatures';
  const data = dashboardData(rows, {
    title,
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
    ...(options.days ? { days: options.days } : {}),
    ...(options.daysUrl ? { daysUrl: options.daysUrl } : {}),
  });
  // Made-up temperatures must never pass for weather: a banner, the city labels and the footer say which cities.
  const synthetic = data.cities.filter((c) => c.synthetic === true).length;
  const banner = synthetic === 0 ? '' :
    `<p class="synthetic" role="alert">Synthetic data: ${synthetic} of ${data.cities.length} ${data.cities.length === 1 ? 'city has' : 'cities have'} temperatures made up by the Open-Meteo stand-in, not weather (marked "synthetic").</p>\n`;
  const body = data.cities.length === 0
    ? '<p>No monthly aggregates yet: run a city file through the pipeline first.</p>'
    : [
        `<p class="sub">${escapeHtml(subtitle(data.cities.length, data.months, options.generatedAt))}</p>`,
        '<noscript><p class="warn">This page draws its charts with JavaScript.</p></noscript>',
        BODY,
        `<script type="application/json" id="dashboard-data">${embedJson(data)}</script>`,
        `<script>${DASHBOARD_SCRIPT}</script>`,
      ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<title>${escapeHtml(title)}</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${banner}${body}
<footer>${synthetic > 0 ? 'Cities marked synthetic: made-up data, not from Open-Meteo. Others: ' : ''}${escapeHtml(ATTRIBUTION)} · <a href="https://open-meteo.com/">open-meteo.com</a></footer>
</main>
</body>
</html>
`;
}
