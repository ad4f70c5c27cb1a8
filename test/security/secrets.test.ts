// The weather API key must never leave the request it authenticates: a whole pipeline run with a marker key and
// a misbehaving API (so that every error path logs) is searched for the marker in every log line, every byte the
// CLI printed, and every byte Azurite and the Event Hubs emulator stored (blobs, tables, queues, events).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../local/cli/runPipeline.ts';
import { seedCities } from '../local/cli/recordedReference.ts';
import { captureLog, FAST_HOST_JSON } from '../reliability/pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from '../reliability/world.ts';

const MARKER = 'SECRET-MARKER-7f3a9c1e5b';
const dir = mkdtempSync(join(tmpdir(), 'secrets-'));

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function sink(): Writable & { text: () => string } {
  let text = '';
  return Object.assign(new Writable({ write: (chunk, _e, done) => void ((text += String(chunk)), done()) }), { text: () => text });
}

/** Every file under `dir`, recursively, as bytes. */
function* filesUnder(dir: string): Generator<{ path: string; bytes: Buffer }> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else yield { path, bytes: readFileSync(path) };
  }
}

describe('the weather API key', () => {
  it('appears in no log line, no output and no stored byte, even when the API fails in every way', async () => {
    world = await startFaultWorld({ rate5xx: 0.2, truncateRate: 0.2, rate429: 0.1, retryAfterSeconds: 1, hangRate: 0.05, seed: 11 });
    const cities = join(dir, 'cities.jsonl');
    const picked = [seedCities[2]!, seedCities[30]!];
    writeFileSync(cities, picked.map((c) => JSON.stringify(c)).join('\n'));
    const log = captureLog();
    const stdout = sink();
    const stderr = sink();
    const result = await runPipeline({
      cities, start: '2023-01-01', end: '2023-03-31', env: { ...world.settings, WEATHER_API_KEY: MARKER },
      stdout, stderr, log: log.sink, hostJson: FAST_HOST_JSON, timeoutMs: 90_000,
    });
    const faults = world.standIn.stats();
    expect(faults.serverErrors + faults.truncated + faults.rateLimited + faults.hangs).toBeGreaterThan(0);
    expect(result.ledger.balanced).toBe(true);
    // The failures were logged, so the search below covers the error paths too.
    expect(log.lines.some((line) => /Open-Meteo|429|attempts|re-scheduled/.test(line))).toBe(true);

    expect(log.lines.filter((line) => line.includes(MARKER))).toEqual([]);
    expect(stdout.text()).not.toContain(MARKER);
    expect(stderr.text()).not.toContain(MARKER);
    await world.stop();
    const stored = [...filesUnder(world.dir)];
    // The search reads what the services stored: a city name of this run is there, in blobs and events.
    expect(stored.some((file) => file.bytes.includes(picked[0]!.city))).toBe(true);
    expect(stored.filter((file) => file.bytes.includes(MARKER)).map((file) => file.path)).toEqual([]);
  }, 120_000);
});
