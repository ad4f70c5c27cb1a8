import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../local/eventhubs/partitionKey.ts';

// The client's own mapper is internal (not exported), so load it from the installed package to compare against.
async function clientMapper(): Promise<(key: string, count: number) => number> {
  const entry = createRequire(import.meta.url).resolve('@azure/event-hubs');
  const file = join(dirname(entry), '..', 'esm', 'impl', 'partitionKeyToIdMapper.js');
  const module = (await import(pathToFileURL(file).href)) as { mapPartitionKeyToId: (key: string, count: number) => number };
  return module.mapPartitionKeyToId;
}

describe('partitionForKey', () => {
  it('maps every key to the partition the client\'s own hash picks', async () => {
    const reference = await clientMapper();
    const keys = Array.from({ length: 2_000 }, (_, i) => (i % 2 ? `city-${i}` : `${'ü'.repeat(i % 17)}${i * 7919}`));
    keys.push('', 'a', 'abcdefghijkl', 'abcdefghijklm');
    for (const count of [1, 2, 4, 7, 32]) {
      for (const key of keys) expect(partitionForKey(key, count), `${key} over ${count}`).toBe(reference(key, count));
    }
  });
});
