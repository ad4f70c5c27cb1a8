// Performatives and their nested lists (errors, outcomes, termini) with every field present. rhea leaves trailing
// fields out when they are unset, which AMQP allows (§1.4: absent trailing fields are null); the service writes every
// field, and the Python SDK's pyamqp (Debian's azure-eventhub 5.11) depends on that: it reads fields by position
// (`frame[13]` of an attach, `error[2]` of a detach's error) and builds `OpenFrame(*fields)` without defaults, so a
// shortened open failed its very first connection.
import rhea from 'rhea';

/** Field counts by descriptor code, from the AMQP 1.0 specification's definitions. */
const FIELD_COUNTS = new Map<number, number>([
  [0x10, 10], // open
  [0x11, 8], // begin
  [0x12, 14], // attach
  [0x13, 11], // flow
  [0x14, 11], // transfer
  [0x15, 6], // disposition
  [0x16, 3], // detach
  [0x17, 1], // end
  [0x18, 1], // close
  [0x1d, 3], // error
  [0x23, 2], // received
  [0x25, 1], // rejected
  [0x27, 3], // modified
  [0x28, 11], // source
  [0x29, 7], // target
  [0x40, 1], // sasl-mechanisms
  [0x44, 2], // sasl-outcome
]);

const LIST0 = 0x45;
const LIST_CODES = new Set([LIST0, 0xc0, 0xd0]);

interface TypedValue {
  type?: { typecode: number };
  value?: unknown;
  descriptor?: { value?: unknown };
  described?: () => TypedValue;
}

const List32 = (rhea.types as unknown as { List32: (items: unknown[]) => TypedValue }).List32;

/**
 * The value with each list of a known descriptor padded to its full length (holes are written as null), recursively
 * into its fields. Anything else is returned as it is. Lists are padded in place: a performative's list is made anew
 * for every frame (`described()`), and padding a nested one (an error, a terminus) again changes nothing. This runs
 * for every frame, deliveries included, so it allocates only for an empty list (rhea writes it as list0).
 */
export function wholeValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const typed = value as TypedValue;
  if (typed.type === undefined) return typed.described ? wholeValue(typed.described()) : value;
  const code = typed.descriptor?.value;
  const count = typeof code === 'number' ? FIELD_COUNTS.get(code) : undefined;
  if (count === undefined || !LIST_CODES.has(typed.type.typecode) || !Array.isArray(typed.value)) return value;
  const fields: unknown[] = typed.value;
  for (let i = 0; i < fields.length; i++) fields[i] = wholeValue(fields[i]);
  if (fields.length >= count) return typed;
  if (typed.type.typecode !== LIST0) {
    fields.length = count;
    return typed;
  }
  const list = List32(new Array<unknown>(count));
  list.descriptor = typed.descriptor;
  return list;
}
