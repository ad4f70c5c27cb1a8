// The few typed errors the app raises. Each has a stable code; the edge (a function handler, the CLI) decides
// from the type whether to retry, dead-letter, answer 4xx, or exit.

export type ErrorCode =
  | 'E_CONFIG'
  | 'E_VALIDATION'
  | 'E_NOT_FOUND'
  | 'E_UPSTREAM'
  | 'E_RATE_LIMITED'
  | 'E_QUOTA_WAIT'
  | 'E_CONFLICT'
  | 'E_INTERNAL';

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A setting is missing or malformed; the message names the setting. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('E_CONFIG', message);
  }
}

/** Input at the edge (a city line, an event, a query parameter) is not acceptable; `field` names what. */
export class ValidationError extends AppError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('E_VALIDATION', message);
    this.field = field;
  }
}

/** What a request names (a side table, a run) does not exist; `field` names the parameter that named it. */
export class NotFoundError extends AppError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('E_NOT_FOUND', message);
    this.field = field;
  }
}

/** A remote dependency failed in a way worth retrying (5xx, timeout, reset). */
export class UpstreamError extends AppError {
  readonly status: number | undefined;
  constructor(message: string, options?: { status?: number; cause?: unknown }) {
    super('E_UPSTREAM', message, { cause: options?.cause });
    this.status = options?.status;
  }
}

/** The remote asked us to slow down; `retryAfterMs` says for how long. */
export class RateLimitedError extends AppError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super('E_RATE_LIMITED', message);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The app's own shared API quota is spent for longer than an invocation should wait (an hour or a day window):
 * the job is re-scheduled for `retryAfterMs`. Not a failure and not the API's refusal, so it never counts towards
 * the poison queue.
 */
export class QuotaWaitError extends AppError {
  readonly retryAfterMs: number;
  readonly window: string;
  constructor(message: string, retryAfterMs: number, window: string) {
    super('E_QUOTA_WAIT', message);
    this.retryAfterMs = retryAfterMs;
    this.window = window;
  }
}

/** Anything thrown becomes an Error, so catch blocks can rely on `.message` and `.stack`. */
export function ensureErrorType(value: unknown): Error {
  if (value instanceof Error) return value;
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return new AppError('E_INTERNAL', `Non-error thrown: ${text}`);
}
