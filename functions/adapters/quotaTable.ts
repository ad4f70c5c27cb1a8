// The shared API quota in Table `quota`: one partition per quota (the API host and a hash of its key), one entity
// per window slot (`minute|09:30:00`, `hour|09:00:00`, `day|00:00:00`; see quotaWindows.ts). A claim reads the
// windows it needs in one query and writes them in one entity-group transaction with If-Match (or create), so the
// windows of one claim change together or not at all; a lost race (412/409) reads again.
import { createHash } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { planClaims, planExhaust, windowRowKey, type WindowState } from '../core/weather/quotaWindows.ts';
import type { QuotaStore } from '../core/weather/sharedQuotaGate.ts';
import type { LimitWindow } from '../core/weather/rateLimiter.ts';
import { isWriteConflict } from './aggregateTable.ts';

export interface QuotaTableOptions {
  /** Each read and write is cut off after this long: a store that hangs counts as unreachable. */
  timeoutMs?: number;
  /** Lost races before a claim gives up (and the gate falls back to its local share). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface Stored {
  state: WindowState;
  etag: string;
}

const MAX_BACKOFF_MS = 250;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The partition of one quota: Open-Meteo counts per key (per IP without one), so the key is part of it, hashed. */
export function quotaPartition(apiUrl: string, apiKey: string | undefined): string {
  const host = new URL(apiUrl).host;
  return `${host}|${apiKey ? createHash('sha256').update(apiKey).digest('hex').slice(0, 16) : 'no-key'}`;
}

function toState(entity: Record<string, unknown>): WindowState {
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  return {
    windowStart: Date.parse(String(entity.windowStart)),
    claimed: number(entity.claimed),
    allowance: number(entity.allowance),
    claims: number(entity.claims),
  };
}

export function createQuotaTable(client: TableClient, partitionKey: string, options: QuotaTableOptions = {}): QuotaStore {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const sleep = options.sleep ?? defaultSleep;

  async function read(rowKeys: readonly string[]): Promise<Map<string, Stored>> {
    // Most claims need the minute alone: a point read is cheaper than a query.
    if (rowKeys.length === 1) return readOne(rowKeys[0]!);
    const rows = rowKeys.map((rowKey) => odata`RowKey eq ${rowKey}`).join(' or ');
    const filter = `${odata`PartitionKey eq ${partitionKey}`} and (${rows})`;
    const stored = new Map<string, Stored>();
    const entities = client.listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal: AbortSignal.timeout(timeoutMs) });
    for await (const entity of entities) stored.set(String(entity.rowKey), { state: toState(entity), etag: String(entity.etag) });
    return stored;
  }

  async function readOne(rowKey: string): Promise<Map<string, Stored>> {
    try {
      const entity = await client.getEntity<Record<string, unknown>>(partitionKey, rowKey, { abortSignal: AbortSignal.timeout(timeoutMs) });
      return new Map([[rowKey, { state: toState(entity), etag: String(entity.etag) }]]);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return new Map();
      throw error;
    }
  }

  /** One write needs no transaction (and Azure charges a transaction as one request either way). */
  async function write(actions: readonly TransactionAction[]): Promise<void> {
    const options = { abortSignal: AbortSignal.timeout(timeoutMs) };
    const [only] = actions;
    if (actions.length > 1) await client.submitTransaction([...actions], options);
    else if (only?.[0] === 'create') await client.createEntity(only[1], options);
    else if (only?.[0] === 'update') {
      const etag = only[3]?.etag;
      if (!etag) throw new Error('an update of the quota table must carry the ETag it read');
      await client.updateEntity(only[1], 'Replace', { ...options, etag });
    }
  }

  /** The write of one window: replace what was read (If-Match), or create it. */
  function action(stored: Stored | undefined, rowKey: string, window: LimitWindow, state: WindowState): TransactionAction {
    const entity = {
      partitionKey,
      rowKey,
      window: window.name,
      windowStart: new Date(state.windowStart).toISOString(),
      limit: window.limit,
      // Doubles even when whole, so a fractional weight (1.73) later is the same type.
      claimed: { value: String(state.claimed), type: 'Double' as const },
      allowance: { value: String(state.allowance), type: 'Double' as const },
      claims: state.claims,
    };
    return stored ? ['update', entity, 'Replace', { etag: stored.etag }] : ['create', entity];
  }

  /** read → plan → write until the write wins its race. */
  async function optimistic<T>(rowKeys: readonly string[], plan: (stored: Map<string, Stored>) => { actions: TransactionAction[]; result: T }): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { actions, result } = plan(await read(rowKeys));
      try {
        await write(actions);
        return result;
      } catch (error) {
        if (!isWriteConflict(error) || attempt >= maxAttempts) throw error;
        // Instances that collided would collide again in step: spread them out (exponential, full jitter).
        await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 5 * 2 ** attempt));
      }
    }
  }

  return {
    claim(claims) {
      const rowKeys = claims.map((c) => windowRowKey(c.window, c.start));
      return optimistic(rowKeys, (stored) => {
        const { writes, results } = planClaims(rowKeys.map((rowKey) => stored.get(rowKey)?.state), claims);
        const actions = writes.flatMap((next, i) => (next ? [action(stored.get(rowKeys[i]!), rowKeys[i]!, claims[i]!.window, next)] : []));
        return { actions, result: results };
      });
    },
    async exhaust(window, start) {
      const rowKey = windowRowKey(window, start);
      await optimistic([rowKey], (stored) => {
        const next = planExhaust(stored.get(rowKey)?.state, window, start);
        return { actions: next ? [action(stored.get(rowKey), rowKey, window, next)] : [], result: undefined };
      });
    },
  };
}
