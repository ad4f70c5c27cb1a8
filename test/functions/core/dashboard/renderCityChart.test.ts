import { describe, expect, it } from 'vitest';
import { CHART, monthLabel, renderCityChart } from '../../../../functions/core/dashboard/renderCityChart.ts';
import type { MonthlyRow } from '../../../../functions/core/dashboard/monthlyRows.ts';

const row = (over: Partial<MonthlyRow>): MonthlyRow => ({ cityId: 'oslo', city: 'Oslo', year: 2023, month: 1, min: -1, max: 5, mean: 2, count: 744, missingHours: 0, ...over });

// Four months, one without readings. Values span -10..10, so the scale is -10..10 with ticks every 5. The plot is
// 684 × 306 px (760 × 388 less the margins): each month gets a 171 px slot, centred at 56 + 171·(i + ½), and a value
// v sits at y = 340 − (v + 10) · 15.3.
const rows = [
  row({ year: 2022, month: 12, min: -4, max: 6, mean: 1 }),
  row({ month: 1, min: -10, max: 2, mean: -3, count: 720, missingHours: 24 }),
  row({ month: 2, min: null, max: null, mean: null, count: 0, missingHours: 672 }),
  row({ month: 3, min: 0, max: 10, mean: 5 }),
];
const svg = renderCityChart(rows, 'c1');
const attribute = (element: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(element)?.[1];
const path = (cls: string) => attribute(new RegExp(`<path class="${cls}"[^>]*>`).exec(svg)?.[0] ?? '', 'd');
const group = (cls: string) => new RegExp(`<g class="axis ${cls}">(.*?)</g>`).exec(svg)?.[1] ?? '';

describe('renderCityChart', () => {
  it('is one svg element with the given id, the chart size as its viewBox and the escaped city in its label', () => {
    expect(svg.startsWith('<svg id="c1" class="chart" viewBox="0 0 760 388" role="img" aria-label="Monthly temperatures, Oslo" xmlns="http://www.w3.org/2000/svg">')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(CHART).toEqual({ width: 760, height: 388, left: 56, right: 20, top: 34, bottom: 48 });
    expect(renderCityChart([row({ city: 'A & "B"' })], 'x')).toContain('aria-label="Monthly temperatures, A &amp; &quot;B&quot;"');
  });

  it('places each month at the centre of its slot and each value on the scale (min at the bottom, max at the top)', () => {
    expect(path('line line-max')).toBe('M141.5,95.2L312.5,156.4M654.5,34.0');
    expect(path('line line-min')).toBe('M141.5,248.2L312.5,340.0M654.5,187.0');
    expect(path('line line-mean')).toBe('M141.5,171.7L312.5,232.9M654.5,110.5');
  });

  it('draws the min-max band as one polygon per run of months with readings, a lone month as a bar 0.4 slot wide', () => {
    expect([...svg.matchAll(/<path class="band" d="([^"]*)"\/>/g)].map((m) => m[1])).toEqual([
      'M141.5,95.2L312.5,156.4L312.5,340.0L141.5,248.2Z', // maxima left to right, then minima right to left
      'M620.3,34.0L688.7,34.0L688.7,187.0L620.3,187.0Z',
    ]);
  });

  it('draws a grid line and a label for each tick of the scale, and the unit above the axis', () => {
    const ticks = [[-10, '340.0', '344.0'], [-5, '263.5', '267.5'], [0, '187.0', '191.0'], [5, '110.5', '114.5'], [10, '34.0', '38.0']];
    expect(group('y')).toBe(
      ticks.map(([t, y, labelY]) => `<line class="grid" x1="56" x2="740" y1="${y}" y2="${y}"/><text class="tick" x="48" y="${labelY}" text-anchor="end">${t}</text>`).join('') +
        '<text class="unit" x="48" y="18" text-anchor="end">°C</text>',
    );
  });

  it('labels each month under its slot, with the year on the first month and on every January', () => {
    expect(group('x')).toBe(
      [['141.5', 'Dec 2022'], ['312.5', 'Jan 2023'], ['483.5', 'Feb'], ['654.5', 'Mar']]
        .map(([x, label]) => `<text class="tick" x="${x}" y="360" text-anchor="middle">${label}</text>`).join(''),
    );
  });

  it('marks each mean with a point whose tooltip gives the month, mean, min, max and any missing hours', () => {
    expect([...svg.matchAll(/<circle class="mean-point" cx="([^"]*)" cy="([^"]*)" r="4"><title>([^<]*)<\/title><\/circle>/g)].map((m) => m.slice(1))).toEqual([
      ['141.5', '171.7', 'Dec 2022: mean 1.0 °C, min -4.0 °C, max 6.0 °C'],
      ['312.5', '232.9', 'Jan 2023: mean -3.0 °C, min -10.0 °C, max 2.0 °C, 24 hours missing'],
      ['654.5', '110.5', 'Mar 2023: mean 5.0 °C, min 0.0 °C, max 10.0 °C'],
    ]);
  });

  it('has no text but the tick labels, the unit, the month labels and the tooltips', () => {
    const text = svg.replace(/<[^>]*>/g, '').replace(/\s+/g, '');
    const expected = ['-10', '-5', '0', '5', '10', '°C', 'Dec2022', 'Jan2023', 'Feb', 'Mar',
      'Dec2022:mean1.0°C,min-4.0°C,max6.0°C', 'Jan2023:mean-3.0°C,min-10.0°C,max2.0°C,24hoursmissing', 'Mar2023:mean5.0°C,min0.0°C,max10.0°C'];
    expect(text).toBe(expected.join(''));
    expect(svg.split('\n')).toHaveLength(9);
  });

  it('scales to the readings only: a month without readings does not pull the scale to 0', () => {
    const warm = renderCityChart([row({ min: 12, max: 18, mean: 15 }), row({ month: 2, min: null, max: null, mean: null, count: 0 })], 'w');
    expect([...warm.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1])).toEqual(['12', '14', '16', '18', '°C']);
  });

  it('shows a dash for a missing min or max in a tooltip', () => {
    const odd = renderCityChart([row({ min: null, max: null, mean: 3 })], 'o');
    expect(odd).toContain('<title>Jan 2023: mean 3.0 °C, min –, max –</title>');
    expect(odd).not.toContain('class="band"');
  });

  it('draws an empty chart (no lines, no points) for no readings at all', () => {
    const empty = renderCityChart([row({ min: null, max: null, mean: null, count: 0 })], 'e');
    expect(empty).toContain('<path class="line line-mean" d=""/>');
    expect(empty).not.toContain('<circle');
    expect(empty).not.toContain('class="band"');
  });
});

describe('monthLabel', () => {
  it('names the month and the year', () => {
    expect(monthLabel({ year: 2023, month: 1 })).toBe('Jan 2023');
    expect(monthLabel({ year: 1999, month: 12 })).toBe('Dec 1999');
  });

  it('shows a question mark for a month number out of range', () => {
    expect(monthLabel({ year: 2023, month: 13 })).toBe('? 2023');
  });
});
