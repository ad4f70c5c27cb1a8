// App settings as Core Tools reads them: local.settings.json's Values, with the environment taking precedence.
import { existsSync, readFileSync } from 'node:fs';
import { CLIError } from './errors.ts';

export function loadSettings(file: string, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  if (!existsSync(file)) return { ...env };
  let values: Record<string, string>;
  try {
    values = (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, string> }).Values ?? {};
  } catch (error) {
    throw new CLIError('E_CONFIG', `${file} is not a settings file (JSON with "Values"): ${(error as Error).message}`);
  }
  return { ...values, ...env };
}
