// The dashboard as people see it: served by the local host from Table data (and written as a file by the CLI),
// drawn by headless Chromium. The tests read what is drawn: cells and their colours and values, the comparison
// lines, the day view after a click, the state in the URL, the CSV download. Screenshots go to out/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TableClient } from '@azure/data-tables';
import { createAggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { dayRecord, type DayRecord } from '../../../functions/core/aggregate/dayPartial.ts';
import { renderDashboard } from '../../../functions/core/dashboard/renderDashboard.ts';
import { getAggregates } from '../../../functions/definitions/getAggregates.ts';
import { getDashboard } from '../../../functions/definitions/getDashboard.ts';
import { startAzurite, type RunningAzurite } from '../../../local/azurite.ts';
import { createLocalHost, type LocalHost } from '../../../local/host/createLocalHost.ts';
import { makeEvent } from '../core/aggregate/makeEvent.ts';
import { NO_EVENT_HUB } from '../../local/host/testHost.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard Chromium test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = new URL('../../../out/screenshots/', import.meta.url).pathname;
const EVIL = 'Alpha <b id="injected">City</b> & "Co"';
const BREAKOUT = '</script><script>document.title="pwned"</script>';

/** id, name, lat, lng, and each month's base temperature (null: a month with no readings). */
const CITIES: [string, string, number, number, (number | null)[]][] = [
  ['alpha', EVIL, 10, 20, [20, 21, 22]],
  ['beta', 'Beta', 60, 10, [-15, -12, null]],
  ['gamma', 'Gamma', 35, -100, [5, 6, 8]],
  ['delta', 'Delta', -20, 30, [25, 26, 27]],
  ['epsilon', 'Epsilon', 45, 5, [0, 2, 4]],
  ['zeta', BREAKOUT, 0, 0, [24, 24, 24]],
];
const MONTHS = ['2023-01', '2023-02', '2023-03'];
const BY_LAT = ['beta', 'epsilon', 'gamma', 'alpha', 'zeta', 'delta'];

/** Two days a month: hours base..base+5 repeating (min base, max base+5, mean base+2.5); gamma's Feb 1 misses 4 hours. */
function daysOf(cityId: string, month: string, base: number | null): DayRecord[] {
  return ['01', '02'].map((d) => dayRecord(makeEvent({
    cityId,
    date: `${month}-${d}`,
    hourly: Array.from({ length: 24 }, (_, h) => (base === null || (cityId === 'gamma' && month === '2023-02' && d === '01' && h < 4) ? null : base + (h % 6))),
  })));
}

let azurite: RunningAzurite;
let host: LocalHost;
let browser: Browser;

async function open(width: number, hash = ''): Promise<{ page: Page; requests: string[]; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const response = await page.goto(`${host.http.url}/dashboard?code=fk${hash}`);
  expect(response?.status()).toBe(200);
  await page.waitForSelector('body[data-ready]');
  return { page, requests, dialogs };
}

const rowOrder = (page: Page) => page.locator('#heatmap g.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-city')));
const cell = (page: Page, city: string, month: string) => page.locator(`#heatmap g.row[data-city="${city}"] rect.cell[data-month="${month}"]`);
const cellTexts = (page: Page, city: string) => page.locator(`#heatmap g.row[data-city="${city}"] text.cell-value`).allTextContents();
const rgbOf = async (page: Page, city: string, month: string) => ((await cell(page, city, month).getAttribute('fill')) ?? '').match(/\d+/g)!.map(Number);
const lines = (page: Page) => page.locator('#compare-chart path.compare-line').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-city')));
const hashOf = (page: Page) => decodeURIComponent(new URL(page.url()).hash);

describe.skipIf(!hasChromium)('the dashboard in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    azurite = await startAzurite();
    host = createLocalHost({ definitions: [getDashboard, getAggregates], settings: { STORAGE: azurite.connectionString, EVENTHUB: NO_EVENT_HUB, LOCAL_FUNCTION_KEY: 'fk' }, httpPort: 0, watch: false, log: () => undefined });
    await host.start();
    // This file owns its Azurite, so it may use the app's fixed table names.
    const client = (name: string) => TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
    await client('aggregates').createTable();
    await client('cities').createTable();
    const aggregates = createAggregateTable(client('aggregates'));
    for (const [cityId, city, lat, lng, bases] of CITIES) {
      await client('cities').createEntity({ partitionKey: 'city', rowKey: cityId, city, lat, lng });
      await aggregates.applyCity(cityId, { city, lat, lng }, new Map(MONTHS.map((m, i) => [m, daysOf(cityId, m, bases[i]!)])));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await azurite?.close();
  });

  it('answers 401 without the function key', async () => {
    expect((await fetch(`${host.http.url}/dashboard`)).status).toBe(401);
  });

  it('draws the overview: a row per city north to south, a cell per month coloured and labelled by its mean, gaps and missing hours marked', async () => {
    const { page, requests, dialogs } = await open(1400);
    expect(await rowOrder(page)).toEqual(BY_LAT);
    // Names are text (a long one shortened on screen, whole in its tooltip), never markup.
    const labels = await page.locator('#heatmap text.city-label').evaluateAll((els) => els.map((e) => [e.firstChild?.nodeValue, e.querySelector('title')?.textContent]));
    expect(labels[0]).toEqual(['Beta', 'Beta (60.00, 10.00): click to compare']);
    expect(labels[3]![0]).toMatch(/^Alpha <b id="injected".*…$/);
    expect(labels[3]![1]).toBe(`${EVIL} (10.00, 20.00): click to compare`);
    expect(labels[4]![1]).toContain(BREAKOUT);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    expect(await cellTexts(page, 'alpha')).toEqual(['22.5', '23.5', '24.5']);
    expect(await cellTexts(page, 'beta')).toEqual(['-12.5', '-9.5']);
    // Values stay legible: white on the dark cells, dark on the light ones.
    const inks = await page.locator('#heatmap g.row[data-city="beta"] text.cell-value, #heatmap g.row[data-city="epsilon"] text.cell-value').evaluateAll((t) => t.map((e) => e.ownerDocument.defaultView!.getComputedStyle(e).fill));
    expect(inks).toEqual(['rgb(255, 255, 255)', 'rgb(255, 255, 255)', 'rgb(31, 35, 40)', 'rgb(31, 35, 40)', 'rgb(31, 35, 40)']);
    const [r, , b] = await rgbOf(page, 'beta', '2023-01');
    expect(b).toBeGreaterThan(r!); // cold is blue
    const [r2, , b2] = await rgbOf(page, 'delta', '2023-03');
    expect(r2).toBeGreaterThan(b2!); // warm is red
    expect(await cell(page, 'beta', '2023-03').getAttribute('class')).toContain('no-readings');
    expect(await cell(page, 'gamma', '2023-02').getAttribute('class')).toContain('has-missing');
    expect(await page.locator('#heatmap g.row[data-city="gamma"] path.missing-mark').count()).toBe(1);
    expect(await cell(page, 'gamma', '2023-02').locator('title').textContent()).toBe('Gamma · Feb 2023: min 6.0 °C, mean 8.6 °C, max 11.0 °C, 4 hours missing (click for the days)');
    await page.screenshot({ path: join(SHOTS, 'dashboard-1400.png'), fullPage: true });

    await page.selectOption('#metric', 'max');
    expect(await cellTexts(page, 'alpha')).toEqual(['25.0', '26.0', '27.0']);
    await page.selectOption('#sort', 'name');
    const names = CITIES.map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)).map((c) => c.id);
    expect(await rowOrder(page)).toEqual(names);
    expect(await hashOf(page)).toMatch(/^#metric=max&sort=name&/);
    expect(requests.every((url) => url.startsWith(host.http.url))).toBe(true);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('compares up to 5 cities on one chart, chosen by clicking city names, and keeps them in the URL', async () => {
    const { page } = await open(1400);
    // By default the northernmost, a middle one and the southernmost.
    expect(await lines(page)).toEqual(['beta', 'alpha', 'delta']);
    const y = (city: string, month: string) => page.locator(`#compare-chart circle.compare-point[data-city="${city}"][data-month="${month}"]`).getAttribute('cy').then(Number);
    expect(await y('alpha', '2023-01')).toBeLessThan(await y('beta', '2023-01')); // warmer draws higher
    expect((await page.locator('#compare-chart path.compare-line[data-city="beta"]').getAttribute('d'))!.match(/[ML]/g)).toEqual(['M', 'L']); // March has no readings
    await page.locator('#heatmap g.row[data-city="gamma"] text.city-label').click();
    await page.locator('#heatmap g.row[data-city="epsilon"] text.city-label').click();
    expect(await lines(page)).toEqual(['beta', 'alpha', 'delta', 'gamma', 'epsilon']);
    expect(await page.locator('#compare-chart circle.compare-point.has-missing').evaluateAll((c) => c.map((e) => `${e.getAttribute('data-city')} ${e.getAttribute('data-month')}`))).toEqual(['gamma 2023-02']);
    await page.locator('#heatmap g.row[data-city="zeta"] text.city-label').click();
    expect(await lines(page)).toHaveLength(5);
    expect(await page.locator('#compare-note').textContent()).toContain('At most 5 cities');
    await page.locator('#chips li[data-city="beta"] button').click();
    await page.selectOption('#add-city', 'zeta');
    expect(await lines(page)).toEqual(['alpha', 'delta', 'gamma', 'epsilon', 'zeta']);
    expect(await page.locator('#chips li span').allTextContents()).toEqual([EVIL, 'Delta', 'Gamma', 'Epsilon', BREAKOUT]);
    expect(await hashOf(page)).toBe('#metric=mean&sort=lat&compare=alpha,delta,gamma,epsilon,zeta');
    await page.close();
  });

  it('shows a month\'s days, asked of the API, when its cell is clicked, and downloads what is shown as CSV', async () => {
    const { page, requests } = await open(1400);
    await cell(page, 'gamma', '2023-02').click();
    await expect.poll(() => page.locator('#day-chart g.day').count()).toBe(2);
    expect(await page.locator('#days-title').textContent()).toBe('Days of Feb 2023 · Gamma');
    expect(await page.locator('#day-chart g.day title').allTextContents()).toEqual([
      'Feb 1: min 6.0 °C, mean 8.7 °C, max 11.0 °C, 4 hours missing',
      'Feb 2: min 6.0 °C, mean 8.5 °C, max 11.0 °C',
    ]);
    expect(await page.locator('#day-chart g.day.day-missing').getAttribute('data-day')).toBe('1');
    expect(requests.some((url) => url.includes('/api/aggregates?') && url.includes('groupBy=city,day') && url.includes('code=fk'))).toBe(true);
    expect(await hashOf(page)).toContain('&day=gamma/2023-02');

    const [days] = await Promise.all([page.waitForEvent('download'), page.click('#days-csv')]);
    expect(days.suggestedFilename()).toBe('days-gamma-2023-02.csv');
    expect(readFileSync((await days.path())!, 'utf8').split('\r\n')).toEqual([
      // Feb 1 lost hours 0-3: 10 + 11 + 3 × (6 + … + 11) over 20 hours = 8.7.
      'city,cityId,date,min,max,mean,missingHours', 'Gamma,gamma,2023-02-01,6,11,8.7,4', 'Gamma,gamma,2023-02-02,6,11,8.5,0', '',
    ]);
    await page.screenshot({ path: join(SHOTS, 'dashboard-1400-days.png'), fullPage: true });
    const [overview] = await Promise.all([page.waitForEvent('download'), page.click('#overview-csv')]);
    const csv = readFileSync((await overview.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('city,cityId,lat,lng,month,mean,count,missingHours');
    expect(csv).toContain('"Alpha <b id=""injected"">City</b> & ""Co""",alpha,10,20,2023-01,22.5,48,0');
    expect(csv).toContain('Beta,beta,60,10,2023-03,,0,48');
    expect(csv).toHaveLength(6 * 3 + 2);
    await page.close();
  });

  it('restores the selection from the URL and ignores what it does not know', async () => {
    const { page } = await open(1400, '#metric=min&sort=name&compare=delta,gamma&day=alpha/2023-02');
    expect(await page.locator('#metric').inputValue()).toBe('min');
    expect(await page.locator('#sort').inputValue()).toBe('name');
    expect(await lines(page)).toEqual(['delta', 'gamma']);
    expect(await cellTexts(page, 'alpha')).toEqual(['20.0', '21.0', '22.0']);
    await expect.poll(() => page.locator('#day-chart g.day').count()).toBe(2);
    expect(await page.locator('#days-title').textContent()).toBe(`Days of Feb 2023 · ${EVIL}`);
    await page.goto(`${host.http.url}/dashboard?code=fk#metric=%3Cimg%3E&compare=nope,${encodeURIComponent('<img src=x onerror=alert(1)>')}&day=nope/2023-01`);
    await page.waitForSelector('body[data-ready]');
    expect(await page.locator('#metric').inputValue()).toBe('mean');
    expect(await lines(page)).toEqual([]);
    expect(await page.locator('#days').isHidden()).toBe(true);
    expect(await page.locator('img').count()).toBe(0);
    await page.close();
  });

  it('stays readable at 390 px: nothing wider than the screen, the heatmap scrolls inside its panel if it must', async () => {
    const { page } = await open(390, '#metric=mean&sort=lat&compare=beta,alpha,delta&day=gamma/2023-02');
    await expect.poll(() => page.locator('#day-chart g.day').count()).toBe(2);
    expect(await page.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('#heatmap rect.cell').count()).toBe(18);
    const box = await page.locator('#heatmap-box').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await cellTexts(page, 'alpha')).toEqual(['22.5', '23.5', '24.5']);
    await page.screenshot({ path: join(SHOTS, 'dashboard-390.png'), fullPage: true });
    await page.close();
  });

  it('works as a file with the days embedded, loading nothing at all', async () => {
    const rows = CITIES.flatMap(([cityId, city, lat, lng, bases]) => MONTHS.map((m, i) => ({ cityId, city, lat, lng, year: 2023, month: i + 1, min: bases[i] ?? null, max: bases[i] === null ? null : bases[i]! + 5, mean: bases[i] === null ? null : bases[i]! + 2.5, count: 48, missingHours: 0 })));
    const days = [{ cityId: 'delta', period: '2023-03-07', min: 20, max: 30, mean: 25, missingHours: 0 }, { cityId: 'delta', period: '2023-03-08', min: 21, max: 31, mean: 26, missingHours: 2 }];
    const file = join(mkdtempSync(join(tmpdir(), 'dashboard-')), 'dashboard.html');
    writeFileSync(file, renderDashboard(rows, { title: 'From a file', days }));
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}#day=delta/2023-03`);
    await page.waitForSelector('body[data-ready]');
    expect(await page.locator('#day-chart g.day').evaluateAll((g) => g.map((e) => e.getAttribute('data-day')))).toEqual(['7', '8']);
    expect(await page.locator('#days-note').textContent()).toContain('2 of 31 days stored, 1 with hours missing');
    expect(requests).toEqual([`file://${file}`]);
    await page.close();
  });
});
