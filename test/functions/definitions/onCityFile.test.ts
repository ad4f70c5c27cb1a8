import { describe, expect, it } from 'vitest';
import { definitions } from '../../../functions/definitions/index.ts';
import { onCityFile } from '../../../functions/definitions/onCityFile.ts';

describe('onCityFile', () => {
  it('is a queue trigger on city-files over the STORAGE connection, registered with the app', () => {
    expect(onCityFile.trigger).toEqual({ type: 'storageQueue', queueName: 'city-files', connection: 'STORAGE' });
    expect(definitions).toContain(onCityFile);
  });
});
