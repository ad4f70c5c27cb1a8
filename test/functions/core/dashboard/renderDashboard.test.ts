import { describe, expect, it } from 'vitest';
import { renderDashboard, ATTRIBUTION } from '../../../../functions/core/dashboard/renderDashboard.ts';
import { dashboardData, embedJson } from '../../../../functions/core/dashboard/dashboardData.ts';
import { DASHBOARD_SCRIPT } from '../../../../functions/core/dashboard/dashboardScript.ts';
import { escapeHtml } from '../../../../functions/core/dashboard/escapeHtml.ts';
import { monthlyRowFromEntity, sortMonthlyRows, type MonthlyRow } from '../../../../functions/core/dashboard/monthlyRows.ts';

const row = (over: Partial<MonthlyRow>): MonthlyRow => ({ cityId: 'a', city: 'A', year: 2023, month: 1, min: -1, max: 5, mean: 2, count: 744, missingHours: 0, ...over });

/** The JSON document a rendered page embeds, read back as the page's script reads it. */
function embedded(html: string): ReturnType<typeof dashboardData> {
  const match = /<script type="application\/json" id="dashboard-data">([^<]*)<\/script>/.exec(html);
  return JSON.parse(match![1]!) as ReturnType<typeof dashboardData>;
}

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('monthlyRowFromEntity', () => {
  it('reads totals and the place, and keeps a month without readings as nulls', () => {
    expect(monthlyRowFromEntity({ partitionKey: 'x', rowKey: 'M|2023-07', city: 'X', count: 0, missingHours: 744, lat: 42.5, lng: -71 })).toEqual(
      row({ cityId: 'x', city: 'X', month: 7, min: null, max: null, mean: null, count: 0, missingHours: 744, lat: 42.5, lng: -71 }),
    );
  });

  it('skips rows that are not months', () => {
    expect(monthlyRowFromEntity({ partitionKey: 'x', rowKey: 'meta' })).toBeUndefined();
  });
});

describe('sortMonthlyRows', () => {
  it('orders by city, then year, then month', () => {
    const sorted = sortMonthlyRows([row({ city: 'B' }), row({ city: 'A', month: 3 }), row({ city: 'A', year: 2022, month: 12 }), row({ city: 'A', month: 2 })]);
    expect(sorted.map((r) => `${r.city} ${r.year}-${r.month}`)).toEqual(['A 2022-12', 'A 2023-2', 'A 2023-3', 'B 2023-1']);
  });
});

describe('dashboardData', () => {
  it('spans every month from the first to the last, so a gap shows, with each city\'s cells aligned to them', () => {
    const data = dashboardData([
      row({ cityId: 'b', city: 'B', lat: 50, lng: 1, year: 2022, month: 12, min: -5, max: 3, mean: -1, count: 700, missingHours: 44 }),
      row({ cityId: 'a', city: 'A', month: 2 }),
      row({ cityId: 'b', city: 'B', lat: 50, lng: 1, month: 2, min: null, max: null, mean: null, count: 0, missingHours: 672 }),
    ], { title: 't' });
    expect(data.months).toEqual(['2022-12', '2023-01', '2023-02']);
    expect(data.cities).toEqual([
      { id: 'a', name: 'A', lat: null, lng: null, m: [null, null, [-1, 5, 2, 744, 0]] },
      { id: 'b', name: 'B', lat: 50, lng: 1, m: [[-5, 3, -1, 700, 44], null, [null, null, null, 0, 672]] },
    ]);
    expect(data).toMatchObject({ days: null, daysUrl: null });
  });

  it('groups embedded days by city and month', () => {
    const data = dashboardData([row({})], { title: 't', days: [
      { cityId: 'a', period: '2023-01-02', min: 1, max: 2, mean: 1.5, missingHours: 0 },
      { cityId: 'a', period: '2023-02-01', min: null, max: null, mean: null, missingHours: 24 },
    ] });
    expect(data.days).toEqual({ a: { '2023-01': [[2, 1, 2, 1.5, 0]], '2023-02': [[1, null, null, null, 24]] } });
  });
});

describe('embedJson', () => {
  it('leaves nothing that can end the script element, and reads back unchanged', () => {
    const value = { name: '</script><!-- & \u2028\u2029 "x"' };
    const text = embedJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('renderDashboard', () => {
  it('escapes every data string and loads nothing from elsewhere', () => {
    const html = renderDashboard([row({ city: '</script><script>alert(1)</script>' })], { title: '<img src=x onerror=alert(1)>' });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img');
    expect(embedded(html).cities[0]!.name).toBe('</script><script>alert(1)</script>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\/(?!open-meteo\.com\/")/);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("connect-src 'self'");
    expect(html).toContain(ATTRIBUTION);
  });

  it('embeds the data the script draws: days for a file, the API route for a served page', () => {
    const file = embedded(renderDashboard([row({})], { days: [{ cityId: 'a', period: '2023-01-05', min: 1, max: 2, mean: 1.5, missingHours: 0 }] }));
    expect(file).toMatchObject({ months: ['2023-01'], daysUrl: null, days: { a: { '2023-01': [[5, 1, 2, 1.5, 0]] } } });
    const served = embedded(renderDashboard([row({})], { daysUrl: 'aggregates', generatedAt: new Date('2023-09-23T10:00:00Z') }));
    expect(served).toMatchObject({ days: null, daysUrl: 'aggregates', generatedAt: '2023-09-23T10:00:00.000Z' });
  });

  it('ships a script that parses', () => {
    expect(() => new Function(DASHBOARD_SCRIPT)).not.toThrow();
  });

  it('says which cities are synthetic: a banner, the mark in the data the city labels read, and the credit line', () => {
    const html = renderDashboard([row({ cityId: 'a', city: 'A' }), row({ cityId: 'b', city: 'B', synthetic: true })]);
    expect(html).toContain('<p class="synthetic" role="alert">Synthetic data: 1 of 2 cities have temperatures made up by the Open-Meteo stand-in, not weather');
    expect(embedded(html).cities.map((c) => [c.name, c.synthetic ?? false])).toEqual([['A', false], ['B', true]]);
    expect(DASHBOARD_SCRIPT).toContain("(c.synthetic ? ' (synthetic)' : '')");
    expect(html).toContain('Cities marked synthetic: made-up data, not from Open-Meteo.');
    const plain = renderDashboard([row({})]);
    expect(plain).not.toMatch(/Synthetic data|marked synthetic/);
    expect(embedded(plain).cities[0]).not.toHaveProperty('synthetic');
  });

  it('reads the synthetic mark of an entity into the row', () => {
    expect(monthlyRowFromEntity({ partitionKey: 'a', rowKey: 'M|2023-01', city: 'A', synthetic: true })?.synthetic).toBe(true);
    expect(monthlyRowFromEntity({ partitionKey: 'a', rowKey: 'M|2023-01', city: 'A' })).not.toHaveProperty('synthetic');
  });

  it('says so when there is no data yet', () => {
    const html = renderDashboard([]);
    expect(html).toContain('No monthly aggregates yet');
    expect(html).not.toContain('<script');
  });
});

describe('renderDashboard, the page around the data', () => {
  const sub = (html: string) => /<p class="sub">([^<]*)<\/p>/.exec(html)?.[1];

  it('says under the title how many cities, which months and when it was made', () => {
    const one = renderDashboard([row({ year: 2023, month: 12 })]);
    expect(sub(one)).toBe('1 city · Dec 2023 – Dec 2023 · hourly 2 m air temperature, UTC months');
    const many = renderDashboard([row({ cityId: 'a', month: 1 }), row({ cityId: 'b', city: 'B', year: 2024, month: 10 })], { generatedAt: new Date('2024-11-02T07:45:59.999Z') });
    expect(sub(many)).toBe('2 cities · Jan 2023 – Oct 2024 · hourly 2 m air temperature, UTC months · generated 2024-11-02 07:45 UTC');
  });

  it('names every month by its English abbreviation', () => {
    const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    for (const [i, name] of names.entries()) {
      expect(sub(renderDashboard([row({ year: 2023, month: i + 1 })]))).toContain(`· ${name} 2023 – ${name} 2023 ·`);
    }
  });

  it('credits Open-Meteo and ERA5 under CC BY 4.0, in those words', () => {
    expect(ATTRIBUTION).toBe('Weather data by Open-Meteo.com (CC BY 4.0), ERA5');
    expect(renderDashboard([row({})])).toContain('<footer>Weather data by Open-Meteo.com (CC BY 4.0), ERA5 · <a href="https://open-meteo.com/">');
  });

  it('is titled "Monthly temperatures" unless told otherwise, and says it needs JavaScript', () => {
    const html = renderDashboard([row({})]);
    expect(html).toContain('<title>Monthly temperatures</title>');
    expect(html).toContain('<h1>Monthly temperatures</h1>');
    expect(html).toContain('<noscript><p class="warn">This page draws its charts with JavaScript.</p></noscript>');
    expect(html).toContain(`<script>${DASHBOARD_SCRIPT}</script>`);
    expect(html).toContain('</noscript>\n\n<section id="overview">'); // the parts joined by newlines
  });

  it('says "1 of 1 city has" for a lone synthetic city, and no banner or credit note without one', () => {
    const html = renderDashboard([row({ synthetic: true })]);
    expect(html).toContain('Synthetic data: 1 of 1 city has temperatures made up by the Open-Meteo stand-in');
    const plain = renderDashboard([row({})]);
    expect(plain).toContain(`<h1>Monthly temperatures</h1>\n<p class="sub">`);
    expect(plain).toContain(`<footer>${ATTRIBUTION} · <a href="https://open-meteo.com/">open-meteo.com</a></footer>`);
  });

  it('says there is nothing yet for no rows, without a subtitle or script', () => {
    const html = renderDashboard([]);
    expect(html).toContain('<p>No monthly aggregates yet: run a city file through the pipeline first.</p>');
    expect(sub(html)).toBeUndefined();
    expect(html).not.toContain('<script>');
  });
});

describe('dashboardData of nothing', () => {
  it('has no months and no cities', () => {
    expect(dashboardData([], { title: 't' })).toMatchObject({ months: [], cities: [] });
  });
});

