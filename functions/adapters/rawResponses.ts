// Keeps Open-Meteo responses in the raw zone: one blob per response, the body as received, created with
// If-None-Match: * so that no later write (a redelivered job, a re-fetch, a retried PUT) can ever replace one.
import { Buffer } from 'node:buffer';
import { AppError } from '../errors.ts';
import { rawResponseMetadata, rawResponseName, type RawResponseInfo } from '../core/weather/rawResponse.ts';
import type { BlobStore } from './blobs.ts';

/** Copies (`~1`, `~2`, …) tried for one name before giving up; only same-millisecond fetches of a window collide. */
export const MAX_NAME_COPIES = 20;

const CONTENT_TYPE = 'application/json; charset=utf-8';

function sameMetadataBesidesRun(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const strip = (m: Readonly<Record<string, string>>) =>
    JSON.stringify(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v] as const).filter(([k]) => k !== 'runid').sort(([x], [y]) => (x < y ? -1 : 1)));
  return strip(a) === strip(b);
}

/**
 * Writes one response and returns its blob name. A name already taken by the same response (same bytes, same
 * metadata apart from the run id: a redelivered job within one millisecond, or the SDK retrying a PUT whose answer
 * was lost) is that response, kept once. A name taken by anything else is never touched: this one goes to the next
 * free copy name, so no response is lost to a collision.
 */
export async function keepRawResponse(blobs: BlobStore, container: string, info: RawResponseInfo, body: Uint8Array): Promise<string> {
  const metadata = rawResponseMetadata(info);
  for (let copy = 0; copy < MAX_NAME_COPIES; copy++) {
    const name = rawResponseName(info, copy);
    if (await blobs.createIfAbsent(container, name, body, { contentType: CONTENT_TYPE, metadata })) return name;
    const existing = await blobs.getBytes(container, name);
    if (existing && Buffer.compare(existing.body, body) === 0 && sameMetadataBesidesRun(existing.metadata, metadata)) return name;
  }
  throw new AppError('E_CONFLICT', `raw response ${rawResponseName(info)}: ${MAX_NAME_COPIES} names taken by other responses`);
}
