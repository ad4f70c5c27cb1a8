// How the emulator reads what different clients put on the wire: link addresses and position filters.
import { describe, expect, it } from 'vitest';
import { linkEntityPath } from '../../../local/eventhubs/eventStore.ts';
import { FilterError, parseSelector } from '../../../local/eventhubs/positionFilter.ts';

describe('linkEntityPath', () => {
  it('reads the JavaScript, .NET and Python spellings of one entity alike', () => {
    for (const address of [
      'temperatures/ConsumerGroups/$default/Partitions/1',
      '/temperatures/ConsumerGroups/$default/Partitions/1',
      'amqps://ns.servicebus.windows.net/temperatures/ConsumerGroups/$default/Partitions/1',
      'amqp://localhost:5672/temperatures/ConsumerGroups/$default/Partitions/1/',
    ]) {
      expect(linkEntityPath(address)).toBe('temperatures/ConsumerGroups/$default/Partitions/1');
    }
  });

  it('keeps a bare hub name and an empty address as they are', () => {
    expect(linkEntityPath('temperatures')).toBe('temperatures');
    expect(linkEntityPath('')).toBe('');
  });
});

describe('parseSelector', () => {
  it('takes the JavaScript client’s quoted operands and the .NET client’s bare ones alike', () => {
    expect(parseSelector("amqp.annotation.x-opt-offset > '-1'")).toEqual({ kind: 'offset', offset: '-1', inclusive: false });
    expect(parseSelector('amqp.annotation.x-opt-offset > -1')).toEqual({ kind: 'offset', offset: '-1', inclusive: false });
    expect(parseSelector('amqp.annotation.x-opt-offset > @latest')).toEqual({ kind: 'offset', offset: '@latest', inclusive: false });
    expect(parseSelector('amqp.annotation.x-opt-offset >= 160')).toEqual({ kind: 'offset', offset: '160', inclusive: true });
    expect(parseSelector('amqp.annotation.x-opt-sequence-number >= 0')).toEqual({ kind: 'sequenceNumber', sequenceNumber: 0, inclusive: true });
    expect(parseSelector("amqp.annotation.x-opt-sequence-number > '7'")).toEqual({ kind: 'sequenceNumber', sequenceNumber: 7, inclusive: false });
    expect(parseSelector('amqp.annotation.x-opt-enqueued-time > 1700000000000')).toEqual({ kind: 'enqueuedTime', timeMs: 1_700_000_000_000, inclusive: false });
  });

  it('refuses anything else, naming it', () => {
    for (const selector of [
      "amqp.annotation.x-opt-offset > '1' OR 1=1",
      'amqp.annotation.x-opt-offset > 1 2',
      "amqp.annotation.x-opt-offset = '1'",
      'amqp.annotation.x-opt-sequence-number > ten',
      "amqp.annotation.x-opt-offset > '1",
      'sys.offset > 1',
    ]) {
      expect(() => parseSelector(selector), selector).toThrow(FilterError);
    }
  });
});
