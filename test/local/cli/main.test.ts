import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../local/cli/main.ts';
import { seedCities } from './recordedReference.ts';

const exec = promisify(execFile);
const repo = new URL('../../../', import.meta.url).pathname;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(STORAGE|EVENTHUB|WEATHER_API_URL)/.test(k)));

describe('main', () => {
  it('runs `npm run pipeline` as a real process: exit 0, the table on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'one.jsonl');
    writeFileSync(file, `${JSON.stringify(seedCities[10])}\n`);
    const { stdout } = await exec('npm', ['run', '--silent', 'pipeline', '--', '--cities', file, '--start', '2023-03-01', '--end', '2023-03-02', '--offline'], {
      cwd: repo,
      env,
      timeout: 90_000,
    });
    expect(stdout).toMatch(/^city\s+year\s+month\s+min\s+max\s+mean$/m);
    expect(stdout).toContain(`${seedCities[10]!.city}  2023     03`);
  }, 100_000);

  it('exits 2 with the code, the message and the usage when the city file is missing', async () => {
    const error = await exec(process.execPath, ['local/cli/main.ts', 'pipeline', '--cities', '/nope.jsonl', '--start', '2023-01-01', '--end', '2023-01-02'], { cwd: repo, env }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2, stderr: expect.stringContaining('error E_FILE: City file "/nope.jsonl" does not exist') });
  });

  it.each([
    [['pipeline', '--cities'], 2],
    [['pipeline', '--bogus'], 2],
    [['teleport'], 2],
    [['pipeline', '--cities', 'x.jsonl', '--start', '2023-01-01', '--end', '2023-01-02', '--synthetic'], 2],
    [['--help'], 0],
    [['query', '--help'], 0],
    [['demo', '--group-by', 'week'], 2],
    [['query', '--group-by', 'city,city'], 2],
    [[], 2],
  ])('returns exit code for %j → %i', async (argv, code) => {
    expect(await main(argv)).toBe(code);
  });

  it('prints an error that quotes input with its control characters escaped', async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    try {
      expect(await main(['pipeline', '--cities', '/nope\u001b]0;owned\u0007.jsonl', '--start', '2023-01-01', '--end', '2023-01-02'])).toBe(2);
      expect(await main(['pipeline', '--\u001b[2Jx'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(printed.join('\n')).toContain('City file "/nope\\x1b]0;owned\\x07.jsonl" does not exist');
    // eslint-disable-next-line no-control-regex -- none may reach the terminal
    expect(printed.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('has its exit codes written the same in --help, the README and docs/reliability.md', async () => {
    const { ERROR_CODES, EXIT_CODES_HELP } = await import('../../../local/cli/errors.ts');
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const reliability = readFileSync(join(repo, 'docs/reliability.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) {
      expect(EXIT_CODES_HELP).toContain(code);
      expect(readme, code).toContain(`\`${code}\``);
    }
    expect(readme).toMatch(/\*\*0\*\* done[\s\S]*\*\*1\*\* an unexpected error[\s\S]*\*\*2\*\* the command failed/);
    expect(reliability).toMatch(/exit 2 with `error E_LEDGER: …`/);
    expect(reliability).not.toMatch(/E_LEDGER` \(code 1\)/);
  });

  it('runs as the `weather-pipeline` bin under the Node on PATH, handing over to Node 22 when that one is older', async () => {
    const error = await exec(join(repo, 'local/cli/bin.mjs'), ['pipeline', '--cities', '/nope.jsonl', '--start', '2023-01-01', '--end', '2023-01-02'], { cwd: repo, env }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2, stderr: expect.stringContaining('error E_FILE') });
  });
});
