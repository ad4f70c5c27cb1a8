// The dashboard: a self-contained HTML page (no CDN, no external requests; a CSP says so) with one inline SVG
// per city and a picker that switches between them. Pure: month rows in, HTML out; data strings are escaped.
import { escapeHtml } from './escapeHtml.ts';
import { sortMonthlyRows, type MonthlyRow } from './monthlyRows.ts';
import { monthLabel, renderCityChart } from './renderCityChart.ts';

export interface DashboardOptions {
  title?: string;
  generatedAt?: Date;
}

export const ATTRIBUTION = 'Weather data by Open-Meteo.com (CC BY 4.0), ERA5';

interface CitySeries {
  cityId: string;
  city: string;
  rows: MonthlyRow[];
}

function groupByCity(rows: readonly MonthlyRow[]): CitySeries[] {
  const byId = new Map<string, CitySeries>();
  for (const row of sortMonthlyRows(rows)) {
    const series = byId.get(row.cityId) ?? { cityId: row.cityId, city: row.city, rows: [] };
    series.rows.push(row);
    byId.set(row.cityId, series);
  }
  return [...byId.values()];
}

function extremes(rows: readonly MonthlyRow[]): string {
  const withMin = rows.filter((r) => r.min !== null);
  const withMax = rows.filter((r) => r.max !== null);
  if (withMin.length === 0 || withMax.length === 0) return 'No readings in this period.';
  const coldest = withMin.reduce((a, b) => (b.min! < a.min! ? b : a));
  const warmest = withMax.reduce((a, b) => (b.max! > a.max! ? b : a));
  const hours = rows.reduce((s, r) => s + r.count, 0);
  const missing = rows.reduce((s, r) => s + r.missingHours, 0);
  return `Lowest ${coldest.min!.toFixed(1)} °C (${monthLabel(coldest)}) · highest ${warmest.max!.toFixed(1)} °C (${monthLabel(warmest)}) · ` +
    `${hours.toLocaleString('en-US')} hourly readings${missing > 0 ? `, ${missing.toLocaleString('en-US')} missing` : ''}`;
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
main{max-width:820px;margin:24px auto;padding:20px 24px;background:#fff;border-radius:10px;box-shadow:0 1px 3px #0002}
h1{font-size:1.35rem;margin:0 0 4px}
.sub{color:#59636e;margin:0 0 16px}
label{font-weight:600;margin-right:8px}
select{font:inherit;padding:4px 8px;border-radius:6px;border:1px solid #c4c9cf}
figure{margin:16px 0 0}
figcaption{color:#59636e;font-size:.9rem;margin-top:4px}
svg.chart{width:100%;height:auto;display:block}
.grid{stroke:#e6e8eb;stroke-width:1}
.tick,.unit{font-size:12px;fill:#59636e}
.band{fill:#f59f00;fill-opacity:.18;stroke:none}
.line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
.line-max{stroke:#d9480f}
.line-min{stroke:#1971c2}
.line-mean{stroke:#343a40;stroke-width:2.5}
.mean-point{fill:#343a40;stroke:#fff;stroke-width:1.5}
.legend{display:flex;gap:18px;font-size:.9rem;color:#59636e;margin-top:10px}
.legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:6px;border-radius:2px}
footer{margin-top:18px;font-size:.8rem;color:#59636e}
.synthetic{border:2px solid #c92a2a;background:#fff5f5;color:#c92a2a;padding:8px 12px;border-radius:6px;font-weight:600}
footer a{color:inherit}
`;

// No data in the script: it only toggles which pre-rendered figure is visible.
const SCRIPT = `
const picker = document.getElementById('city');
const show = () => { for (const f of document.querySelectorAll('figure[data-series]')) f.hidden = f.dataset.series !== picker.value; };
picker.addEventListener('change', show);
show();
`;

export function renderDashboard(rows: readonly MonthlyRow[], options: DashboardOptions = {}): string {
  const title = escapeHtml(options.title ?? 'Monthly temperatures');
  const series = groupByCity(rows);
  const generated = options.generatedAt ? ` · generated ${escapeHtml(options.generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC` : '';
  // Made-up temperatures must never pass for weather: a banner, the picker and the caption say which cities.
  const isSynthetic = (s: CitySeries) => s.rows.some((r) => r.synthetic);
  const synthetic = series.filter(isSynthetic);
  const banner = synthetic.length === 0 ? '' :
    `<p class="synthetic" role="alert">Synthetic data: ${synthetic.length} of ${series.length} ${series.length === 1 ? 'city has' : 'cities have'} temperatures made up by the Open-Meteo stand-in, not weather (marked "synthetic").</p>\n`;
  const body = series.length === 0
    ? '<p>No monthly aggregates yet: run a city file through the pipeline first.</p>'
    : [
        `<p class="sub">Monthly minimum, mean and maximum of hourly 2 m air temperature (UTC months), ${series.length} ${series.length === 1 ? 'city' : 'cities'}${generated}</p>`,
        '<label for="city">City</label><select id="city">',
        ...series.map((s, i) => `<option value="s${i}">${escapeHtml(s.city)}${isSynthetic(s) ? ' (synthetic)' : ''}</option>`),
        '</select>',
        ...series.map((s, i) =>
          `<figure data-series="s${i}"${i === 0 ? '' : ' hidden'}>\n${renderCityChart(s.rows, `chart-s${i}`)}\n<figcaption>${isSynthetic(s) ? 'SYNTHETIC, not weather · ' : ''}${escapeHtml(extremes(s.rows))}</figcaption></figure>`),
        '<div class="legend"><span><i style="background:#d9480f"></i>max</span><span><i style="background:#343a40"></i>mean</span>' +
          '<span><i style="background:#1971c2"></i>min</span><span><i style="background:#f59f0033;height:10px"></i>min–max range</span></div>',
        `<script>${SCRIPT}</script>`,
      ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${banner}${body}
<footer>${synthetic.length > 0 ? 'Cities marked synthetic: made-up data, not from Open-Meteo. Others: ' : ''}${escapeHtml(ATTRIBUTION)} · <a href="https://open-meteo.com/">open-meteo.com</a></footer>
</main>
</body>
</html>
`;
}
