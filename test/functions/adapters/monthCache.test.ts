import { describe, expect, it } from 'vitest';
import { createMonthCache, type KnownMonth } from '../../../functions/adapters/monthCache.ts';

const known = (etag: string): KnownMonth => ({ state: new Map(), etag });
const months = (...names: string[]) => new Map(names.map((m) => [m, known(`e-${m}`)]));
const held = (cache: ReturnType<typeof createMonthCache>, cityId: string) => [...(cache.get(cityId)?.keys() ?? [])];

describe('createMonthCache', () => {
  it('knows nothing of a city until it has been read', () => {
    const cache = createMonthCache(10);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', months('2023-01'), 'written');
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', months('2023-01'), 'read');
    expect(cache.get('a')?.get('2023-01')?.etag).toBe('e-2023-01');
  });

  it('adds written months to a city it holds, replacing their ETags', () => {
    const cache = createMonthCache(10);
    cache.set('a', months('2023-01'), 'read');
    cache.set('a', new Map([['2023-01', known('new')], ['2023-02', known('feb')]]), 'written');
    expect(cache.get('a')?.get('2023-01')?.etag).toBe('new');
    expect(held(cache, 'a')).toEqual(['2023-01', '2023-02']);
    expect(cache.size).toBe(2);
  });

  it('drops the least recently used city when it holds more months than its bound', () => {
    const cache = createMonthCache(4);
    cache.set('a', months('2023-01', '2023-02'), 'read');
    cache.set('b', months('2023-01', '2023-02'), 'read');
    cache.get('a'); // a is now the most recently used
    cache.set('c', months('2023-01'), 'read');
    expect(cache.get('b')).toBeUndefined();
    expect(held(cache, 'a')).toEqual(['2023-01', '2023-02']);
    expect(held(cache, 'c')).toEqual(['2023-01']);
    expect(cache.size).toBe(3);
  });

  it('does not keep a city that alone holds more months than the bound', () => {
    const cache = createMonthCache(2);
    cache.set('a', months('2023-01'), 'read');
    cache.set('b', months('2023-01', '2023-02', '2023-03'), 'read');
    expect(cache.get('b')).toBeUndefined();
    expect(held(cache, 'a')).toEqual(['2023-01']);
    expect(cache.size).toBe(1);
  });

  it('forgets a city on request and counts its months out', () => {
    const cache = createMonthCache(10);
    cache.set('a', months('2023-01', '2023-02'), 'read');
    cache.set('b', months('2023-01'), 'read');
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.forget('nobody');
    expect(cache.size).toBe(1);
  });

  it('keeps nothing with a bound of 0', () => {
    const cache = createMonthCache(0);
    cache.set('a', months('2023-01'), 'read');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
