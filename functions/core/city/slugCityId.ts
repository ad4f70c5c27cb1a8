// A city's id when the file gives none: a stable, readable slug of its name ("Peabody, MA, USA" → "peabody-ma-usa").
// Stable matters: the id keys raw blobs, Event Hubs partitions and table rows, so the same name must always map
// to the same id, on every machine and in every release.
import { createHash } from 'node:crypto';

export const MAX_CITY_ID_LENGTH = 100;

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}

export function slugCityId(name: string): string {
  const slug = name
    .normalize('NFKD') // "São" → "Sa" + combining tilde, so folding diacritics is dropping the marks
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // A name with no ASCII letters or digits ("東京") still needs an id; a hash of the name keeps it distinct and stable.
  if (slug === '') return `city-${shortHash(name.trim())}`;
  if (slug.length <= MAX_CITY_ID_LENGTH) return slug;
  // Truncating alone would merge long names that share a prefix; the hash of the full name keeps them apart.
  const head = slug.slice(0, MAX_CITY_ID_LENGTH - 13).replace(/-+$/, '');
  return `${head}-${shortHash(name.trim())}`;
}
