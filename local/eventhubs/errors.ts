// Typed errors for the emulator, each with a code, plus the AMQP conditions the Event Hubs client maps to its own errors.

export type EmulatorErrorCode = 'E_CONFIG' | 'E_STORAGE' | 'E_ARGS';

export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode;
  constructor(code: EmulatorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmulatorError';
    this.code = code;
  }
}

/** A configuration that the official emulator would also refuse; the message names the offending field. */
export class EmulatorConfigError extends EmulatorError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('E_CONFIG', `Invalid emulator config: ${field}: ${message}`);
    this.name = 'EmulatorConfigError';
    this.field = field;
  }
}

/** A partition log on disk could not be read or written. */
export class EmulatorStorageError extends EmulatorError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_STORAGE', message, options);
    this.name = 'EmulatorStorageError';
  }
}

export function ensureError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** An AMQP error as it goes on the wire in detach, close and rejected outcomes. */
export interface AmqpError {
  condition: string;
  description: string;
}

export const Conditions = {
  notFound: 'amqp:not-found',
  outOfRange: 'com.microsoft:argument-out-of-range',
  unauthorized: 'amqp:unauthorized-access',
  stolen: 'amqp:link:stolen',
  messageSizeExceeded: 'amqp:link:message-size-exceeded',
  notImplemented: 'amqp:not-implemented',
  decodeError: 'amqp:decode-error',
  internalError: 'amqp:internal-error',
  invalidField: 'amqp:invalid-field',
  serverBusy: 'com.microsoft:server-busy',
  framingError: 'amqp:connection:framing-error',
  resourceLimitExceeded: 'amqp:resource-limit-exceeded',
  connectionForced: 'amqp:connection:forced',
  illegalState: 'amqp:illegal-state',
} as const;

/** What a namespace over its throughput units answers a send with; the client backs off and retries. */
export const SERVER_BUSY: AmqpError = {
  condition: Conditions.serverBusy,
  description: 'The request was terminated because the namespace is being throttled (injected by the emulator). Please wait and retry.',
};

export function entityNotFound(entity: string): AmqpError {
  return { condition: Conditions.notFound, description: `The messaging entity '${entity}' could not be found.` };
}
