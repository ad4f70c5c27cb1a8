// The local host: builds the AppContext once, creates storage resources, and runs every definition's trigger
// with the Functions host's semantics (see the trigger modules), plus the `cities` watcher that stands in for
// Event Grid. The same definitions are registered with `app.*` for Azure by functions/index.ts.
import type { QueueServiceClient } from '@azure/storage-queue';
import type { AppContext, Clients, FunctionDefinition } from '../../functions/app/definition.ts';
import { resolveSettingReferences } from '../../functions/app/definition.ts';
import { createClients } from '../../functions/app/clients.ts';
import { loadConfig } from '../../functions/config/loadConfig.ts';
import { EVENTHUB_CONNECTION, RESOURCES, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import { ensureStorageResources } from '../../functions/adapters/ensureResources.ts';
import { parseHostJson, readHostJsonFile } from './hostJson.ts';
import { applyHostJsonOverrides } from './hostJsonOverrides.ts';
import { consoleSink, InvocationTracker, type FunctionStats, type InvocationOutcome, type LogSink } from './invocations.ts';
import { startQueueTrigger, type QueueTriggerStats, type RunningQueueTrigger } from './queueTrigger.ts';
import { startTimerTrigger, type RunningTimerTrigger } from './timerTrigger.ts';
import { startEventHubTrigger, type EventHubTriggerStats, type RunningEventHubTrigger } from './eventHubTrigger.ts';
import { startHttpServer, type HttpRoute, type RunningHttpServer } from './httpServer.ts';
import { resolveKeys } from './httpAuth.ts';
import { createRedactor } from './redact.ts';
import { startBlobWatcher, type RunningBlobWatcher } from './blobWatcher.ts';
import { watchEnqueues } from './enqueueWatcher.ts';
import { probeIdle, waitForIdle, type IdleProbe, type IdleSources } from './idleMonitor.ts';
import { sleep } from './sleep.ts';

export interface LocalHostOptions {
  definitions: readonly FunctionDefinition[];
  settings: Readonly<Record<string, string | undefined>>;
  /** host.json content; the repository's host.json when omitted. */
  hostJson?: unknown;
  /** 7071 by default, 0 for any free port. */
  httpPort?: number;
  /** Request body cap and request timeout of the HTTP server (defaults in httpServer.ts). */
  httpOptions?: { maxBodyBytes?: number; requestTimeoutMs?: number };
  verbose?: boolean;
  log?: LogSink;
  /** The container to announce on a queue as Event Grid would; `cities` → `city-files` by default, false for none. */
  watch?: { container: string; queueName: string; intervalMs?: number } | false;
  /** A queue message's lease (queueTrigger.ts): the host's 10 minutes unless a test needs a lost dequeue back sooner. */
  queueLeaseSeconds?: number;
}

export interface LocalHostStats {
  functions: Record<string, FunctionStats>;
  queues: Record<string, QueueTriggerStats & { queueName: string }>;
  eventHubs: Record<string, EventHubTriggerStats>;
  blobsAnnounced: number;
  lastProbe: IdleProbe | undefined;
}

export interface LocalHost {
  app: AppContext;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly http: { url: string; functionKey: string; masterKey: string; keysGenerated: boolean };
  runTimer(name: string): Promise<void>;
  idle(): boolean;
  stats(): LocalHostStats;
  waitForIdle(options: { timeoutMs: number }): Promise<void>;
  /** Calls `listener` after each invocation with its outcome; returns the unsubscribe. */
  onInvocation(listener: (outcome: InvocationOutcome) => void): () => void;
}

function expectConnection(definition: FunctionDefinition, actual: string, expected: string): void {
  if (actual !== expected) {
    throw new Error(`Function ${definition.name} uses connection "${actual}"; the local host provides only "${expected}"`);
  }
}

export function createLocalHost(options: LocalHostOptions): LocalHost {
  const config = loadConfig(options.settings);
  const base = createClients(config);
  let watchedQueues: QueueServiceClient | undefined;
  // What this host enqueues, its queue triggers hear of at once (see enqueueWatcher.ts).
  const notifyQueue = (queueName: string) => {
    for (const queue of queues.values()) if (queue.queueName === queueName) queue.notify();
  };
  const clients: Clients = { ...base, queueService: () => (watchedQueues ??= watchEnqueues(base.queueService(), notifyQueue)) };
  const app: AppContext = { config, clients, now: () => new Date() };
  // Settings with a default in loadConfig resolve to that default, as the deployed app settings always set them.
  const settings = {
    [SETTINGS.eventHubName]: config.eventHub.name,
    [SETTINGS.eventHubConsumerGroup]: config.eventHub.consumerGroup,
    [SETTINGS.refreshSchedule]: config.refresh.schedule,
    ...options.settings,
  };
  const hostSettings = parseHostJson(applyHostJsonOverrides(options.hostJson ?? readHostJsonFile(), options.settings));
  const keys = resolveKeys(options.settings);
  const secrets = [keys.functionKey, keys.masterKey, config.weather.apiKey];
  const tracker = new InvocationTracker(options.log ?? consoleSink(options.verbose ?? false), createRedactor(secrets));
  const queues = new Map<string, RunningQueueTrigger>();
  const timers = new Map<string, RunningTimerTrigger>();
  const hubs = new Map<string, RunningEventHubTrigger>();
  let server: RunningHttpServer | undefined;
  let watcher: RunningBlobWatcher | undefined;
  let lastProbe: IdleProbe | undefined;
  const stopping = new AbortController();
  let monitor: Promise<void> | undefined;

  const idleSources = (): IdleSources => ({
    tracker,
    queueService: app.clients.queueService(),
    queueNames: [...queues.values()].map((q) => q.queueName),
    eventHubPending: [...hubs.values()].map((h) => () => h.pending()),
    freshScan: () => watcher?.scan() ?? Promise.resolve(),
  });

  async function startTriggers(): Promise<void> {
    const routes: HttpRoute[] = [];
    // The triggers connect at once (the Event Hubs client's AMQP handshake is the slowest); each is kept when it
    // has started, so that stop() stops it even when another failed to.
    const starting: Promise<void>[] = [];
    const settle = async () => {
      const failed = (await Promise.allSettled(starting)).find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    };
    try {
      startEach(starting, routes);
    } catch (error) {
      await settle().catch(() => undefined);
      throw error;
    }
    starting.push(startHttpServer({ routes, port: options.httpPort ?? 7071, keys, tracker, runFunction: (fn) => timers.get(fn)?.runNow(), ...options.httpOptions }).then((running) => void (server = running)));
    await settle();
  }

  /** Starts every trigger without waiting: each promise keeps its trigger once started. */
  function startEach(starting: Promise<void>[], routes: HttpRoute[]): void {
    const blobService = app.clients.blobService();
    const queueService = app.clients.queueService();
    for (const definition of options.definitions) {
      const { name } = definition;
      switch (definition.trigger.type) {
        case 'storageQueue': {
          const d = definition as Extract<FunctionDefinition, { trigger: { type: 'storageQueue' } }>;
          expectConnection(d, d.trigger.connection, STORAGE_CONNECTION);
          const queueName = resolveSettingReferences(d.trigger.queueName, settings);
          const trigger = startQueueTrigger({ functionName: name, queueName, handler: d.handler(app), queueService, settings: hostSettings.queues, tracker, ...(options.queueLeaseSeconds ? { leaseSeconds: options.queueLeaseSeconds } : {}) });
          starting.push(trigger.then((running) => void queues.set(name, running)));
          break;
        }
        case 'timer': {
          const d = definition as Extract<FunctionDefinition, { trigger: { type: 'timer' } }>;
          const schedule = resolveSettingReferences(d.trigger.schedule, settings);
          timers.set(name, startTimerTrigger({ functionName: name, schedule, runOnStartup: d.trigger.runOnStartup ?? false, handler: d.handler(app), tracker }));
          break;
        }
        case 'eventHub': {
          const d = definition as Extract<FunctionDefinition, { trigger: { type: 'eventHub' } }>;
          expectConnection(d, d.trigger.connection, EVENTHUB_CONNECTION);
          const trigger = startEventHubTrigger({
            functionName: name,
            connection: config.eventHub.connection,
            eventHubName: resolveSettingReferences(d.trigger.eventHubName, settings),
            consumerGroup: resolveSettingReferences(d.trigger.consumerGroup, settings),
            retry: d.trigger.retry,
            handler: d.handler(app),
            blobService,
            settings: hostSettings.eventHubs,
            tracker,
          });
          starting.push(trigger.then((running) => void hubs.set(name, running)));
          break;
        }
        case 'http': {
          const d = definition as Extract<FunctionDefinition, { trigger: { type: 'http' } }>;
          routes.push({ functionName: name, route: d.trigger.route, methods: d.trigger.methods, authLevel: d.trigger.authLevel, handler: d.handler(app) });
          break;
        }
      }
    }
  }

  return {
    app,
    get http() {
      if (!server) throw new Error('The local host is not started');
      return { url: server.url, functionKey: keys.functionKey, masterKey: keys.masterKey, keysGenerated: keys.generated };
    },
    async start() {
      await ensureStorageResources(app.clients);
      await startTriggers();
      // Stand in for Event Grid only where its queue is consumed: a host running some of the functions
      // (`--functions`) next to another must not announce every city file a second time.
      const consumed = [...queues.values()].some((q) => q.queueName === RESOURCES.cityFilesQueue);
      const watch = options.watch ?? (consumed ? { container: RESOURCES.citiesContainer, queueName: RESOURCES.cityFilesQueue } : false);
      if (watch) {
        watcher = await startBlobWatcher({ ...watch, blobService: app.clients.blobService(), queueService: app.clients.queueService(), tracker });
      }
      monitor = (async () => {
        while (!stopping.signal.aborted) {
          lastProbe = await probeIdle(idleSources()).catch(() => lastProbe);
          await sleep(1_000, stopping.signal);
        }
      })();
    },
    async stop() {
      stopping.abort();
      await monitor;
      await watcher?.stop();
      await Promise.all([...queues.values()].map((q) => q.stop()));
      await Promise.all([...timers.values()].map((t) => t.stop()));
      await Promise.all([...hubs.values()].map((h) => h.stop()));
      await server?.stop();
      await app.clients.close();
    },
    runTimer(name) {
      const timer = timers.get(name);
      if (!timer) return Promise.reject(new Error(`No timer function named "${name}" (timers: ${[...timers.keys()].join(', ') || 'none'})`));
      return timer.runNow();
    },
    idle: () => lastProbe?.idle ?? false,
    stats: () => ({
      functions: tracker.stats(),
      queues: Object.fromEntries([...queues].map(([name, q]) => [name, { queueName: q.queueName, ...q.stats() }])),
      eventHubs: Object.fromEntries([...hubs].map(([name, h]) => [name, h.stats()])),
      blobsAnnounced: watcher?.announced() ?? 0,
      lastProbe,
    }),
    waitForIdle: ({ timeoutMs }) => waitForIdle(idleSources(), { timeoutMs, signal: stopping.signal }),
    onInvocation: (listener) => tracker.onInvocation(listener),
  };
}
