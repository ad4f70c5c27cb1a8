// The CLI's one error type: a stable code for scripts, a message for people. Only main.ts prints it.
export type CLIErrorCode =
  | 'E_USAGE' // unknown command or option, missing or malformed argument
  | 'E_FILE' // the city file is missing or unreadable
  | 'E_OFFLINE' // --offline, but the city file asks for places or dates the recording does not have
  | 'E_CONFIG' // settings (environment) are invalid
  | 'E_START' // an emulator or the local host could not start, or the upload failed
  | 'E_NO_APP' // upload: no running app picked the file up
  | 'E_NETWORK' // the weather API cannot be reached (no network without --offline, or a wrong WEATHER_API_URL)
  | 'E_TIMEOUT' // the app did not become idle in time
  | 'E_POISON' // a message ended in a poison queue
  | 'E_DEADLETTER' // an event could not be aggregated
  | 'E_LEDGER'; // the run's ledger does not reconcile

export class CLIError extends Error {
  readonly code: CLIErrorCode;
  constructor(code: CLIErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CLIError';
    this.code = code;
  }
}
