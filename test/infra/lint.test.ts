// `bicep lint` over every file under infra/ must report nothing at all: errors fail the build anyway, and a warning
// is either fixed or argued away in code, never ignored. The config may raise rule levels, never switch rules off.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnostics, ensureBicep, repoRoot, runBicep, type BicepRun } from './bicepCli.ts';

// Restores the CLI on first use where dotnet is installed (once for all workers), else says why the tests skip.
const bicep = await ensureBicep();
if (bicep.missing) console.warn(`infra lint tests skipped: ${bicep.missing}`);

describe.skipIf(bicep.missing !== undefined)('bicep lint', () => {
  let bicepFiles: BicepRun;
  let paramsFile: BicepRun;

  beforeAll(async () => {
    [bicepFiles, paramsFile] = await Promise.all([
      runBicep(bicep.path, ['lint', '--pattern', 'infra/**/*.bicep']),
      runBicep(bicep.path, ['lint', 'infra/main.bicepparam']),
    ]);
  }, 120_000);

  it('reports no error, warning or info in any .bicep file', () => {
    expect(diagnostics(bicepFiles.stdout + bicepFiles.stderr)).toEqual([]);
    expect(bicepFiles.exitCode, bicepFiles.stderr).toBe(0);
  });

  it('reports nothing in main.bicepparam', () => {
    expect(diagnostics(paramsFile.stdout + paramsFile.stderr)).toEqual([]);
    expect(paramsFile.exitCode, paramsFile.stderr).toBe(0);
  });
});

describe.skipIf(bicep.missing !== undefined)('main.bicepparam', () => {
  it('compiles with main.bicep and takes the API key only from the environment', async () => {
    const { WEATHER_API_KEY: _key, AZURE_ENV_NAME: _env, AZURE_PRINCIPAL_ID: _principal, ...env } = process.env;
    const result = await runBicep(bicep.path, ['build-params', 'infra/main.bicepparam', '--stdout'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    const { parametersJson } = JSON.parse(result.stdout) as { parametersJson: string };
    const parameters = (JSON.parse(parametersJson) as { parameters: Record<string, { value: unknown }> }).parameters;
    expect(parameters.environmentName?.value).toBe('weather');
    expect(parameters.weatherApiKey?.value).toBe('');
    expect(parameters.principalId?.value).toBe('');
    expect(parameters.rawCoolAfterDays?.value).toBe(30);
    expect(readFileSync(join(repoRoot, 'infra/main.bicepparam'), 'utf8')).toMatch(/weatherApiKey = readEnvironmentVariable\('WEATHER_API_KEY'/);
  }, 120_000);
});

describe('infra/bicepconfig.json', () => {
  const config = JSON.parse(readFileSync(join(repoRoot, 'infra/bicepconfig.json'), 'utf8')) as {
    analyzers?: { core?: { enabled?: boolean; rules?: Record<string, { level?: string }> } };
  };

  it('keeps the linter on and switches no rule off', () => {
    expect(config.analyzers?.core?.enabled).not.toBe(false);
    const silenced = Object.entries(config.analyzers?.core?.rules ?? {})
      .filter(([, rule]) => rule.level === 'off' || rule.level === 'none' || rule.level === 'info')
      .map(([name]) => name);
    expect(silenced).toEqual([]);
  });
});
