// One kept response → the events the stream received from it, rebuilt with ingest's own code: the body parsed and
// validated as the client does, normalised by normaliseRawResponse, and each event sent through JSON and the stream's
// decoder as it travels on the hub (JSON turns -0 into 0), so replay sees the stream's very numbers and skips exactly
// what the aggregator would have dead-lettered. Never throws: a bad blob is a reason.
import type { CityDayEvent } from '../model.ts';
import { readRawResponseInfo, normaliseRawResponse, type RawResponseInfo } from '../weather/rawResponse.ts';
import { validateArchiveResponse, type ArchiveResponse } from '../weather/validateArchiveResponse.ts';
import { decodeCityDayEvent } from './decodeCityDayEvent.ts';

export type ReplayedResponse =
  | { ok: true; info: RawResponseInfo; events: CityDayEvent[]; rejected: { date: string; reason: string }[] }
  | { ok: false; reason: string };

// The client's decoding (undici's text(): UTF-8, a BOM dropped), so a body parses here as it did at ingest.
const utf8 = new TextDecoder('utf-8');

function parseBody(body: Uint8Array): { ok: true; response: ArchiveResponse } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    return { ok: false, reason: `body is not JSON (${body.byteLength} bytes)` };
  }
  try {
    return { ok: true, response: validateArchiveResponse(value) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * `days`: the inclusive date range wanted (real dates, YYYY-MM-DD). Only the part of the response's window inside it
 * is normalised: an event depends on its own day's hours alone, so these are exactly the events of the whole
 * window that fall in the range, and a window the metadata claims to be centuries long costs nothing.
 */
export function replayResponse(name: string, body: Uint8Array, metadata: Readonly<Record<string, string>>, days: { from: string; to: string }): ReplayedResponse {
  const read = readRawResponseInfo(name, metadata);
  if (!read.ok) return read;
  const parsed = parseBody(body);
  if (!parsed.ok) return parsed;
  const events: CityDayEvent[] = [];
  const rejected: { date: string; reason: string }[] = [];
  const start = read.info.start > days.from ? read.info.start : days.from;
  const end = read.info.end < days.to ? read.info.end : days.to;
  if (start > end) return { ok: true, info: read.info, events: [], rejected: [] };
  for (const event of normaliseRawResponse(parsed.response, { ...read.info, start, end }).events) {
    const decoded = decodeCityDayEvent(JSON.stringify(event));
    if (decoded.ok) events.push(decoded.event);
    else rejected.push({ date: event.date, reason: decoded.reason });
  }
  return { ok: true, info: read.info, events, rejected };
}
