// The dashboard as people see it: served by the local host from Table data, rendered by headless Chromium.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { TableClient } from '@azure/data-tables';
import { startAzurite, type RunningAzurite } from '../../../local/azurite.ts';
import { createLocalHost, type LocalHost } from '../../../local/host/createLocalHost.ts';
import { getDashboard } from '../../../functions/definitions/getDashboard.ts';
import { NO_EVENT_HUB } from '../../local/host/testHost.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard Chromium test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const EVIL = 'Alpha <b id="injected">City</b> & "Co"';

const entity = (cityId: string, city: string, month: string, min?: number, max?: number, mean?: number, count = 744) => ({
  partitionKey: cityId,
  rowKey: `M|${month}`,
  city,
  count,
  missingHours: 744 - count,
  ...(min === undefined ? {} : { min, max, mean }),
});

describe.skipIf(!hasChromium)('GET /api/dashboard in Chromium', () => {
  // This file owns its Azurite, so it may use the app's fixed `aggregates` table.
  let azurite: RunningAzurite;
  let host: LocalHost;
  let browser: Browser;

  beforeAll(async () => {
    azurite = await startAzurite();
    host = createLocalHost({ definitions: [getDashboard], settings: { STORAGE: azurite.connectionString, EVENTHUB: NO_EVENT_HUB, LOCAL_FUNCTION_KEY: 'fk' }, httpPort: 0, watch: false, log: () => undefined });
    await host.start();
    const table = TableClient.fromConnectionString(azurite.connectionString, 'aggregates', { allowInsecureConnection: true });
    for (const e of [
      entity('alpha', EVIL, '2023-01', -12.5, 8.25, -1.5),
      entity('alpha', EVIL, '2023-02', -8, 12, 2.75),
      entity('alpha', EVIL, '2023-03', -2, 19.5, 7.25),
      entity('beta', 'Beta', '2023-06', 14, 31, 22.5),
      entity('beta', 'Beta', '2023-07', undefined, undefined, undefined, 0),
    ]) await table.upsertEntity(e);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await azurite?.close();
  });

  it('answers 401 without the function key', async () => {
    expect((await fetch(`${host.http.url}/dashboard`)).status).toBe(401);
  });

  it('renders the table data as an SVG per city and switches city with the picker, loading nothing external', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 720 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const response = await page.goto(`${host.http.url}/dashboard?code=fk`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('select#city option').allTextContents()).toEqual([EVIL, 'Beta']);
    expect(await page.locator('#injected').count()).toBe(0);
    await expect.poll(() => page.locator('footer').textContent()).toContain('Weather data by Open-Meteo.com (CC BY 4.0), ERA5');

    const visible = page.locator('figure:visible svg');
    expect(await visible.count()).toBe(1);
    expect(await visible.getAttribute('aria-label')).toBe(`Monthly temperatures, ${EVIL}`);
    const meanPath = (await visible.locator('path.line-mean').getAttribute('d')) ?? '';
    expect(meanPath.match(/[ML]/g)).toEqual(['M', 'L', 'L']);
    const cys = await visible.locator('circle.mean-point').evaluateAll((els) => els.map((e) => Number(e.getAttribute('cy'))));
    expect(cys).toHaveLength(3);
    // Warmer months sit higher: SVG y grows downwards.
    expect(cys[0]!).toBeGreaterThan(cys[1]!);
    expect(cys[1]!).toBeGreaterThan(cys[2]!);
    expect(await visible.locator('circle.mean-point title').first().textContent()).toBe('Jan 2023: mean -1.5 °C, min -12.5 °C, max 8.3 °C');
    expect(await visible.locator('text.tick').allTextContents()).toEqual(expect.arrayContaining(['Jan 2023', 'Feb', 'Mar']));
    expect(await visible.locator('text.unit').textContent()).toBe('°C');
    await page.screenshot({ path: '/tmp/dashboard-alpha.png' });

    await page.selectOption('select#city', { label: 'Beta' });
    const beta = page.locator('figure:visible svg');
    expect(await beta.getAttribute('aria-label')).toBe('Monthly temperatures, Beta');
    expect(await beta.locator('circle.mean-point').count()).toBe(1);
    expect(await beta.locator('path.line-mean').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+$/);
    expect(await page.locator('figure:visible figcaption').textContent()).toContain('Lowest 14.0 °C (Jun 2023)');
    expect(requests.every((url) => url.startsWith(host.http.url))).toBe(true);
    await page.close();
  });
});
