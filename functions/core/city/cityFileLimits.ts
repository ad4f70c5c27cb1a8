// Size limits for city files, chosen so one bad file cannot exhaust a function instance's memory.
export interface CityFileLimits {
  /** A JSON line longer than this is rejected (and skipped without being buffered). */
  maxLineBytes: number;
  /** A file that is one JSON array must be parsed whole; larger ones are rejected with advice to use JSON lines. */
  maxArrayBytes: number;
}

export const cityFileLimits: CityFileLimits = {
  maxLineBytes: 64 * 1024,
  maxArrayBytes: 16 * 1024 * 1024,
};
