import { describe, expect, it } from 'vitest';
import { parse, seconds } from '../../../../local/cli/commands/parse.ts';
import { CLIError } from '../../../../local/cli/errors.ts';

describe('parse', () => {
  it('turns an unknown option into E_USAGE naming it', () => {
    expect(() => parse(['--bogus'], { known: { type: 'string' } })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('--bogus') }) as Error);
  });
});

describe('seconds', () => {
  it('gives the fallback when the option is absent and the number when it is positive', () => {
    expect(seconds('--timeout', undefined, 900)).toBe(900);
    expect(seconds('--timeout', '2.5', 900)).toBe(2.5);
  });

  it.each(['0', '-1', 'abc', '', 'Infinity'])('refuses %j as E_USAGE naming the flag and the value', (raw) => {
    let thrown: unknown;
    try {
      seconds('--wait-for-app', raw, 60);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CLIError);
    expect(thrown).toMatchObject({ code: 'E_USAGE', message: `--wait-for-app must be a positive number of seconds, got "${raw}"` });
  });
});
