import { describe, expect, it } from 'vitest';
import { renderDashboard, ATTRIBUTION } from '../../../../functions/core/dashboard/renderDashboard.ts';
import { renderCityChart } from '../../../../functions/core/dashboard/renderCityChart.ts';
import { escapeHtml } from '../../../../functions/core/dashboard/escapeHtml.ts';
import { niceScale } from '../../../../functions/core/dashboard/niceScale.ts';
import { monthlyRowFromEntity, sortMonthlyRows, type MonthlyRow } from '../../../../functions/core/dashboard/monthlyRows.ts';

const row = (over: Partial<MonthlyRow>): MonthlyRow => ({ cityId: 'a', city: 'A', year: 2023, month: 1, min: -1, max: 5, mean: 2, count: 744, missingHours: 0, ...over });

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('niceScale', () => {
  it.each([
    [-12.3, 33.6, -20, 40],
    [0.2, 0.9, 0.2, 1],
    [5, 5, 4, 6],
  ])('spans %d..%d with round ticks %d..%d', (low, high, min, max) => {
    const scale = niceScale(low, high);
    expect(scale.min).toBeCloseTo(min);
    expect(scale.max).toBeCloseTo(max);
    expect(scale.ticks[0]).toBeCloseTo(min);
    expect(scale.ticks.at(-1)).toBeCloseTo(max);
  });
});

describe('monthlyRowFromEntity', () => {
  it('reads totals and keeps a month without readings as nulls', () => {
    expect(monthlyRowFromEntity({ partitionKey: 'x', rowKey: 'M|2023-07', city: 'X', count: 0, missingHours: 744 })).toEqual(
      row({ cityId: 'x', city: 'X', month: 7, min: null, max: null, mean: null, count: 0, missingHours: 744 }),
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

describe('renderCityChart', () => {
  it('breaks the lines at a month without readings instead of bridging it', () => {
    const svg = renderCityChart([row({ month: 1 }), row({ month: 2, min: null, max: null, mean: null, count: 0 }), row({ month: 3 })], 'c');
    const mean = /class="line line-mean" d="([^"]*)"/.exec(svg)?.[1] ?? '';
    expect(mean.match(/[ML]/g)).toEqual(['M', 'M']);
    expect(svg.match(/class="mean-point"/g)).toHaveLength(2);
    expect(svg.match(/class="band"/g)).toHaveLength(2);
  });
});

describe('renderDashboard', () => {
  it('escapes every data string and loads nothing from elsewhere', () => {
    const html = renderDashboard([row({ city: '</option><script>alert(1)</script>' })], { title: '<img src=x onerror=alert(1)>' });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;/option&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\/(?!open-meteo\.com\/")/);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain(ATTRIBUTION);
  });

  it('renders one figure and one option per city, only the first visible', () => {
    const html = renderDashboard([row({ cityId: 'b', city: 'B' }), row({ cityId: 'a', city: 'A' }), row({ cityId: 'a', city: 'A', month: 2 })]);
    expect([...html.matchAll(/<option value="(s\d)">([^<]*)<\/option>/g)].map((m) => [m[1], m[2]])).toEqual([['s0', 'A'], ['s1', 'B']]);
    expect(html).toContain('<figure data-series="s0">');
    expect(html).toContain('<figure data-series="s1" hidden>');
  });

  it('says which cities are synthetic: a banner, the picker, the caption and the credit line', () => {
    const html = renderDashboard([row({ cityId: 'a', city: 'A' }), row({ cityId: 'b', city: 'B', synthetic: true })]);
    expect(html).toContain('<p class="synthetic" role="alert">Synthetic data: 1 of 2 cities have temperatures made up by the Open-Meteo stand-in, not weather');
    expect([...html.matchAll(/<option value="s\d">([^<]*)<\/option>/g)].map((m) => m[1])).toEqual(['A', 'B (synthetic)']);
    expect(html).toContain('<figcaption>SYNTHETIC, not weather · ');
    expect(html).toContain('Cities marked synthetic: made-up data, not from Open-Meteo.');
    expect(renderDashboard([row({})])).not.toMatch(/Synthetic data|\(synthetic\)|SYNTHETIC|marked synthetic/);
  });

  it('reads the synthetic mark of an entity into the row', () => {
    expect(monthlyRowFromEntity({ partitionKey: 'a', rowKey: 'M|2023-01', city: 'A', synthetic: true })?.synthetic).toBe(true);
    expect(monthlyRowFromEntity({ partitionKey: 'a', rowKey: 'M|2023-01', city: 'A' })).not.toHaveProperty('synthetic');
  });

  it('says so when there is no data yet', () => {
    expect(renderDashboard([])).toContain('No monthly aggregates yet');
  });
});
