// Decode + fold cost against the floor: JSON.parse of the same bytes. Target: ≥ 0.5 of raw parse throughput.
import { decodeCityDayEvent } from '../../functions/core/aggregate/decodeCityDayEvent.ts';
import { dayRecord, type DayRecord } from '../../functions/core/aggregate/dayPartial.ts';
import { deriveTotals } from '../../functions/core/aggregate/deriveTotals.ts';
import { EMPTY_MONTH, mergeDays } from '../../functions/core/aggregate/mergeDays.ts';
import { interleavedMedians } from '../lib/measure.ts';
import { syntheticEvents } from '../lib/syntheticEvents.ts';
import { withRatio, type Bench } from '../lib/types.ts';

function decodeAndFold(bodies: readonly string[]): number {
  const months = new Map<string, DayRecord[]>();
  for (const body of bodies) {
    const decoded = decodeCityDayEvent(JSON.parse(body));
    if (!decoded.ok) throw new Error(decoded.reason);
    const key = `${decoded.event.cityId}|${decoded.event.date.slice(0, 7)}`;
    let list = months.get(key);
    if (!list) months.set(key, (list = []));
    list.push(dayRecord(decoded.event));
  }
  let count = 0;
  for (const records of months.values()) count += deriveTotals(mergeDays(EMPTY_MONTH, records).month).count;
  return count;
}

export const decodeBench: Bench = {
  name: 'decode',
  description: 'decode + validate + fold 12,100 city-day events vs JSON.parse of the same bytes',
  async run() {
    const bodies = syntheticEvents(50, 242).map((event) => JSON.stringify(event));
    const readings = bodies.length * 24;
    let sink = 0;
    // Rounds alternate between the two, so a change in the machine's load hits both sides alike.
    const [rawMs = 0, oursMs = 0] = await interleavedMedians(9, [
      () => {
        for (const body of bodies) sink += (JSON.parse(body) as { hourly: unknown[] }).hourly.length;
      },
      () => {
        sink += decodeAndFold(bodies);
      },
    ]);
    if (sink === 0) throw new Error('benchmark folded nothing');
    return [
      withRatio({
        metric: 'readings/s decoded+folded', value: readings / (oursMs / 1000), unit: 'readings/s',
        baseline: readings / (rawMs / 1000), better: 'higher', target: { op: '>=', value: 0.5 },
        note: 'baseline: JSON.parse only',
      }),
    ];
  },
};
