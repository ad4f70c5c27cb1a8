// Hand-written AMQP encodings and section codes for the few values the emulator writes itself (longs and timestamps
// are written in place by messageCodec, typed exactly: rhea would pick int/uint for small numbers).

export function encodeSymbol(value: string): Buffer {
  const bytes = Buffer.from(value, 'ascii');
  if (bytes.length < 256) return Buffer.concat([Buffer.from([0xa3, bytes.length]), bytes]);
  const head = Buffer.alloc(5);
  head[0] = 0xb3;
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

export function encodeString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < 256) return Buffer.concat([Buffer.from([0xa1, bytes.length]), bytes]);
  const head = Buffer.alloc(5);
  head[0] = 0xb1;
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

export const SECTION = {
  header: 0x70,
  deliveryAnnotations: 0x71,
  messageAnnotations: 0x72,
  properties: 0x73,
  applicationProperties: 0x74,
  data: 0x75,
  sequence: 0x76,
  value: 0x77,
  footer: 0x78,
} as const;

const SYMBOLIC_SECTIONS: Record<string, number> = {
  'amqp:header:list': SECTION.header,
  'amqp:delivery-annotations:map': SECTION.deliveryAnnotations,
  'amqp:message-annotations:map': SECTION.messageAnnotations,
  'amqp:properties:list': SECTION.properties,
  'amqp:application-properties:map': SECTION.applicationProperties,
  'amqp:data:binary': SECTION.data,
  'amqp:amqp-sequence:list': SECTION.sequence,
  'amqp:amqp-value:*': SECTION.value,
  'amqp:footer:map': SECTION.footer,
};

/** The numeric code of a section descriptor, whether it was sent as a ulong or as a symbol. */
export function sectionCode(descriptor: unknown): number | undefined {
  if (typeof descriptor === 'number') return descriptor;
  if (typeof descriptor === 'string') return SYMBOLIC_SECTIONS[descriptor];
  return undefined;
}
