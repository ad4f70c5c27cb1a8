// Function-level authorisation as Azure enforces it: `function` accepts a function key or the master key,
// `admin` only the master key, from the `x-functions-key` header or the `code` query parameter.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface HostKeys {
  functionKey: string;
  masterKey: string;
}

/** Keys from settings when given, else generated for this run (printed by the caller). */
export function resolveKeys(settings: Readonly<Record<string, string | undefined>>): HostKeys & { generated: boolean } {
  const functionKey = settings.LOCAL_FUNCTION_KEY?.trim();
  const masterKey = settings.LOCAL_MASTER_KEY?.trim();
  const generate = () => randomBytes(30).toString('base64url');
  return {
    functionKey: functionKey || generate(),
    masterKey: masterKey || generate(),
    generated: !functionKey || !masterKey,
  };
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function isAuthorized(level: AuthLevel, presented: string | undefined, keys: HostKeys): boolean {
  if (level === 'anonymous') return true;
  if (!presented) return false;
  if (same(presented, keys.masterKey)) return true;
  return level === 'function' && same(presented, keys.functionKey);
}
