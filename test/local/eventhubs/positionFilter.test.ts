// Where a receiver starts reading, from the selector filter the client puts on its source (see
// /work/shared/eventhubs-emulator.md, "Receiving"). parseSelector's accepted spellings are in addresses.test.ts; these
// are the wrapping of the filter, the refusals' wording and the start positions against a real partition log.
import { describe, expect, it } from 'vitest';
import { PartitionLog, type StoredEvent } from '../../../local/eventhubs/partitionLog.ts';
import { FilterError, SELECTOR_FILTER, parseSelector, selectorOf, startSequenceNumber, type StartPosition } from '../../../local/eventhubs/positionFilter.ts';
import { caught } from './helpers.ts';

describe('selectorOf', () => {
  const selector = 'amqp.annotation.x-opt-offset > \'-1\'';

  it('reads the selector string however many times (up to three) the decoder wrapped it as a described value', () => {
    expect(selectorOf({ [SELECTOR_FILTER]: selector })).toBe(selector);
    expect(selectorOf({ [SELECTOR_FILTER]: { descriptor: 0x468c_0000_0004, value: selector } })).toBe(selector);
    expect(selectorOf({ [SELECTOR_FILTER]: { descriptor: 'x', value: { value: selector } } })).toBe(selector);
    expect(selectorOf({ [SELECTOR_FILTER]: { value: { value: { value: selector } } } })).toBe(selector);
  });

  it('gives up past three wrappings, so a self-referencing value cannot hold the link', () => {
    expect(selectorOf({ [SELECTOR_FILTER]: { value: { value: { value: { value: selector } } } } })).toBeUndefined();
    const loop: { value: unknown } = { value: undefined };
    loop.value = loop;
    expect(selectorOf({ [SELECTOR_FILTER]: loop })).toBeUndefined();
  });

  it('finds no selector in a missing filter, a filter of another kind or a selector that is not a string', () => {
    for (const filter of [undefined, null, 'amqp.annotation.x-opt-offset > 5', 7, {}, { other: selector }, { [SELECTOR_FILTER]: 5 }, { [SELECTOR_FILTER]: { descriptor: 1 } }]) {
      expect(selectorOf(filter), String(filter)).toBeUndefined();
    }
  });
});

describe('parseSelector', () => {
  it('refuses an expression it does not support with a FilterError quoting it', () => {
    const error = caught(() => parseSelector('sys.offset > 1'));
    expect(error).toBeInstanceOf(FilterError);
    expect(error.name).toBe('FilterError');
    expect(error.message).toBe('unsupported filter expression: sys.offset > 1');
  });

  it('quotes at most 100 characters of what it refuses', () => {
    const hundred = 'x'.repeat(100);
    expect(caught(() => parseSelector(hundred)).message).toBe(`unsupported filter expression: ${hundred}`);
    expect(caught(() => parseSelector(`${hundred}yz`)).message).toBe(`unsupported filter expression: ${hundred}…`);
  });

  it('refuses a sequence number or time that is empty, blank or not a number, naming the field', () => {
    for (const [selector, operand] of [
      ["amqp.annotation.x-opt-sequence-number > ''", ''],
      ["amqp.annotation.x-opt-sequence-number >= ' '", ' '],
      ["amqp.annotation.x-opt-enqueued-time > 'soon'", 'soon'],
      ['amqp.annotation.x-opt-enqueued-time > Infinity', 'Infinity'],
    ] as const) {
      const error = caught(() => parseSelector(selector));
      expect(error, selector).toBeInstanceOf(FilterError);
      const field = selector.includes('sequence') ? 'x-opt-sequence-number' : 'x-opt-enqueued-time';
      expect(error.message).toBe(`the ${field} in the filter is not a number: '${operand}'`);
    }
  });

  it('keeps an empty quoted offset as it is, for the start position to judge', () => {
    expect(parseSelector("amqp.annotation.x-opt-offset > ''")).toEqual({ kind: 'offset', offset: '', inclusive: false });
  });
});

describe('startSequenceNumber', () => {
  // Sequence numbers 10..14 (0..9 expired), 100 bytes each from offset 1000; two events enqueued at the same instant.
  const t = Date.UTC(2026, 0, 1);
  const times = [t, t + 10, t + 10, t + 20, t + 30];
  const restored: StoredEvent[] = times.map((enqueuedTimeMs, i) => ({
    sequenceNumber: 10 + i,
    offset: 1000 + 100 * i,
    enqueuedTimeMs,
    partitionKey: undefined,
    wire: Buffer.alloc(100),
    headerLength: 0,
  }));
  const log = new PartitionLog('hub', '0', { restored });
  const start = (position: StartPosition | undefined) => startSequenceNumber(position, log);

  it('starts at the first event still kept when there is no filter or the offset is -1', () => {
    expect(start(undefined)).toBe(10);
    expect(start({ kind: 'offset', offset: '-1', inclusive: false })).toBe(10);
    expect(start({ kind: 'offset', offset: '-1', inclusive: true })).toBe(10);
  });

  it('starts past the last event for @latest', () => {
    expect(start({ kind: 'offset', offset: '@latest', inclusive: false })).toBe(15);
  });

  it('starts at the event with the given offset when inclusive, after it when not', () => {
    expect(start({ kind: 'offset', offset: '1100', inclusive: true })).toBe(11);
    expect(start({ kind: 'offset', offset: '1100', inclusive: false })).toBe(12);
    expect(start({ kind: 'offset', offset: '1150', inclusive: true })).toBe(12);
    expect(start({ kind: 'offset', offset: '1400', inclusive: false })).toBe(15);
  });

  it('refuses an offset that is empty, blank or not a number (an empty one read as 0 started from the beginning)', () => {
    for (const offset of ['', ' ', 'abc', '@earliest']) {
      const error = caught(() => start({ kind: 'offset', offset, inclusive: false }));
      expect(error, offset).toBeInstanceOf(FilterError);
      expect(error.message).toBe(`the offset in the filter is not a number: '${offset}'`);
    }
  });

  it('starts at the sequence number when inclusive, after it when not', () => {
    expect(start({ kind: 'sequenceNumber', sequenceNumber: 11, inclusive: true })).toBe(11);
    expect(start({ kind: 'sequenceNumber', sequenceNumber: 11, inclusive: false })).toBe(12);
    expect(start({ kind: 'sequenceNumber', sequenceNumber: 14, inclusive: false })).toBe(15);
  });

  it('skips expired events and waits at the end for a sequence number past it', () => {
    expect(start({ kind: 'sequenceNumber', sequenceNumber: 3, inclusive: true })).toBe(10);
    expect(start({ kind: 'sequenceNumber', sequenceNumber: 100, inclusive: false })).toBe(15);
  });

  it('starts at the first event enqueued at or after the time when inclusive, strictly after it when not', () => {
    expect(start({ kind: 'enqueuedTime', timeMs: t + 10, inclusive: true })).toBe(11);
    expect(start({ kind: 'enqueuedTime', timeMs: t + 10, inclusive: false })).toBe(13);
    expect(start({ kind: 'enqueuedTime', timeMs: t - 1, inclusive: false })).toBe(10);
    expect(start({ kind: 'enqueuedTime', timeMs: t + 30, inclusive: false })).toBe(15);
  });
});
