import { describe, expect, it } from 'vitest';
import { definitions } from '../../../../functions/definitions/index.ts';
import { selectFunctions } from '../../../../local/cli/commands/host.ts';

describe('selectFunctions', () => {
  it('runs every function when --functions is not given', () => {
    expect(selectFunctions(undefined)).toBe(definitions);
  });

  it('keeps only the named functions, comma-separated, in the app\'s order', () => {
    expect(selectFunctions(' getCities,aggregateTemperatures ').map((d) => d.name)).toEqual(
      definitions.filter((d) => d.name === 'getCities' || d.name === 'aggregateTemperatures').map((d) => d.name),
    );
  });

  it.each([[''], ['aggregateTemperatures,nope']])('throws E_USAGE naming the known functions for %j', (list) => {
    expect(() => selectFunctions(list)).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('aggregateTemperatures') }));
  });
});
