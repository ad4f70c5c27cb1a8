// Raw-zone test data: Open-Meteo response bodies for the recorded cities, built by the stand-in's own code (what
// ingest receives locally), and kept with ingest's own writer, so a test's raw/ looks exactly like a real run's.
import { keepRawResponse } from '../../../functions/adapters/rawResponses.ts';
import type { BlobStore } from '../../../functions/adapters/blobs.ts';
import type { RawResponseInfo } from '../../../functions/core/weather/rawResponse.ts';
import { archiveBody, toWire } from '../../../local/openmeteo/archiveBody.ts';
import { loadRecordedCells } from '../../../local/openmeteo/recordedCells.ts';

const cells = loadRecordedCells();

export interface Place { cityId: string; city: string; lat: number; lng: number }

/** The body the stand-in answers for this place and window; `edit` may change the hourly values (index = hour). */
export function responseBody(place: Place, start: string, end: string, edit?: (values: (number | null)[], time: string[]) => void): Buffer {
  const body = archiveBody(cells, { lat: place.lat, lng: place.lng }, { start, end, timezone: 'GMT' }, 0);
  const time = [...body.hourly.time]; // the stand-in shares a range's time column: edit a copy
  edit?.(body.hourly.temperature_2m, time);
  return Buffer.from(toWire([{ ...body, hourly: { time, temperature_2m: body.hourly.temperature_2m } }]), 'utf8');
}

export function responseInfo(place: Place, start: string, end: string, fetchedAt: string, over: Partial<RawResponseInfo> = {}): RawResponseInfo {
  return { cityId: place.cityId, city: place.city, lat: place.lat, lng: place.lng, start, end, fetchedAt, runId: 'run-test', model: 'era5', ...over };
}

export function keepResponse(raw: { blobs: BlobStore; name: string }, info: RawResponseInfo, body: Uint8Array): Promise<string> {
  return keepRawResponse(raw.blobs, raw.name, info, body);
}
