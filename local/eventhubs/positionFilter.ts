// Turns the selector filter on a receiver's source into the sequence number where delivery starts.
// The client sends one of: x-opt-offset > '-1' | '@latest' | '<n>', x-opt-offset >= '<n>',
// x-opt-sequence-number >(=) '<n>', x-opt-enqueued-time >(=) '<epoch ms>'. The JavaScript client quotes the operand;
// the .NET client (and so the Functions host's Event Hubs trigger) does not: `x-opt-offset > -1`. Both are accepted.
import type { PartitionLog } from './partitionLog.ts';

export const SELECTOR_FILTER = 'apache.org:selector-filter:string';

export type StartPosition =
  | { kind: 'offset'; offset: string; inclusive: boolean }
  | { kind: 'sequenceNumber'; sequenceNumber: number; inclusive: boolean }
  | { kind: 'enqueuedTime'; timeMs: number; inclusive: boolean };

export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

const EXPRESSION =
  /^\s*amqp\.annotation\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\s*(>=|>)\s*(?:'([^']*)'|([^\s']+))\s*$/;

/** The selector string inside a source's filter map, whichever way the decoder wrapped it. */
export function selectorOf(filter: unknown): string | undefined {
  if (typeof filter !== 'object' || filter === null) return undefined;
  let value: unknown = (filter as Record<string, unknown>)[SELECTOR_FILTER];
  // A described value may arrive wrapped once or twice ({ descriptor, value }).
  for (let depth = 0; depth < 3 && typeof value === 'object' && value !== null && 'value' in value; depth++) {
    value = (value as { value: unknown }).value;
  }
  return typeof value === 'string' ? value : undefined;
}

/** What a refusal quotes of the client's filter: enough to recognise it. */
const clip = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);

export function parseSelector(selector: string): StartPosition {
  const match = EXPRESSION.exec(selector);
  if (!match) throw new FilterError(`unsupported filter expression: ${clip(selector)}`);
  const [, field, operator, quoted, bare] = match;
  const operand = quoted ?? bare ?? '';
  const inclusive = operator === '>=';
  if (field === 'x-opt-offset') return { kind: 'offset', offset: operand, inclusive };
  const number = Number(operand);
  if (operand.trim() === '' || !Number.isFinite(number)) throw new FilterError(`the ${field} in the filter is not a number: '${clip(operand)}'`);
  return field === 'x-opt-sequence-number'
    ? { kind: 'sequenceNumber', sequenceNumber: number, inclusive }
    : { kind: 'enqueuedTime', timeMs: number, inclusive };
}

/** The first sequence number to deliver; no filter means from the start, as on the service. */
export function startSequenceNumber(position: StartPosition | undefined, log: PartitionLog): number {
  const first = log.firstSequenceNumber;
  if (!position) return first;
  switch (position.kind) {
    case 'offset': {
      if (position.offset === '@latest') return log.endSequenceNumber;
      if (position.offset === '-1') return first;
      const offset = Number(position.offset);
      // Number('') is 0: an empty or blank offset would start from the beginning instead of being refused.
      if (position.offset.trim() === '' || !Number.isFinite(offset)) throw new FilterError(`the offset in the filter is not a number: '${clip(position.offset)}'`);
      return log.firstWithOffset(offset, position.inclusive);
    }
    case 'sequenceNumber': {
      const from = position.inclusive ? position.sequenceNumber : position.sequenceNumber + 1;
      // Expired events are skipped, and a reader asking past the end waits there for new events.
      return Math.min(Math.max(from, first), log.endSequenceNumber);
    }
    case 'enqueuedTime':
      return log.firstEnqueuedAfter(position.timeMs, position.inclusive);
  }
}
