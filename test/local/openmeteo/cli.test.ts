// `npm run openmeteo`: the stand-in's CLI as a user runs it, in its own process.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLaunched, launch } from '../cliProcess.ts';
import { waitUntil } from '../../waitUntil.ts';

const CLI = join(import.meta.dirname, '../../../local/openmeteo/cli.ts');

afterEach(killLaunched);

describe('the Open-Meteo stand-in CLI', () => {
  it('prints its usage with --help and exits 0; refuses an unknown flag or a bad number with exit code 2', async () => {
    const help = await launch(CLI, ['--help']).finished;
    expect(help.code).toBe(0);
    for (const flag of ['--port', '--latency-ms', '--rate-429', '--rate-5xx', '--hang-rate', '--truncate-rate', '--limit-per-minute', '--seed']) expect(help.stdout).toContain(flag);
    const unknown = await launch(CLI, ['--nope']).finished;
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("Unknown option '--nope'")]);
    const bad = await launch(CLI, ['--rate-429', 'lots']).finished;
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--rate-429 must be a number ≥ 0, got "lots"')]);
  });

  it('serves the recorded archive on the URL it prints, with its fault switches, and stops on Ctrl-C with its counters', async () => {
    const running = launch(CLI, ['--port', '0', '--rate-5xx', '1']);
    await waitUntil(() => /listening on http:\/\/\S+/.test(running.output()), 20_000, 'the URL');
    const url = /listening on (http:\/\/\S+)/.exec(running.output())?.[1] ?? '';
    const query = new URLSearchParams({ latitude: '42.536457', longitude: '-70.985786', start_date: '2023-03-01', end_date: '2023-03-01', hourly: 'temperature_2m' });
    const response = await fetch(`${url}?${query.toString()}`);
    expect([500, 502, 503]).toContain(response.status); // --rate-5xx 1: every call fails
    running.child.kill('SIGINT');
    const { code, stdout } = await running.finished;
    expect(code).toBe(0);
    expect(stdout).toMatch(/stopping; \{.*"serverErrors":1/);
  }, 30_000);
});
