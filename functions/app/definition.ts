// A function is declared once, as data plus a handler factory. `functions/index.ts` registers every definition
// with `app.*` for the Azure Functions host; `local/host` drives the same definitions with the host's semantics.
import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { TableClient } from '@azure/data-tables';
import type { EventHubProducerClient } from '@azure/event-hubs';
import type { Config } from '../config/loadConfig.ts';

/** SDK clients, created on first use and shared by every invocation of one process. */
export interface Clients {
  blobService(): BlobServiceClient;
  queueService(): QueueServiceClient;
  table(name: string): TableClient;
  eventHubProducer(): EventHubProducerClient;
  close(): Promise<void>;
}

export interface AppContext {
  config: Config;
  clients: Clients;
  now(): Date;
}

export interface RetryPolicy {
  strategy: 'exponentialBackoff';
  maxRetryCount: number;
  minimumInterval: { milliseconds: number };
  maximumInterval: { milliseconds: number };
}

export type QueueHandler = (message: unknown, context: InvocationContext) => Promise<void>;
export type TimerHandler = (timer: Timer, context: InvocationContext) => Promise<void>;
export type EventHubHandler = (events: unknown[], context: InvocationContext) => Promise<void>;
export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

interface Base<THandler> {
  name: string;
  /** Builds the handler; must do no I/O (it runs at start-up). */
  handler: (app: AppContext) => THandler;
}

export interface QueueFunction extends Base<QueueHandler> {
  trigger: { type: 'storageQueue'; queueName: string; connection: string };
}
export interface TimerFunction extends Base<TimerHandler> {
  /** NCRONTAB (six fields, with seconds); `%NAME%` is resolved from app settings, as the host does. */
  trigger: { type: 'timer'; schedule: string; runOnStartup?: boolean };
}
export interface EventHubFunction extends Base<EventHubHandler> {
  trigger: {
    type: 'eventHub';
    /** `%NAME%` resolves from app settings. */
    eventHubName: string;
    consumerGroup: string;
    connection: string;
    cardinality: 'many';
    retry: RetryPolicy;
  };
}
export interface HttpFunction extends Base<HttpHandler> {
  trigger: {
    type: 'http';
    route: string;
    methods: ('GET' | 'POST' | 'PUT' | 'DELETE')[];
    authLevel: 'anonymous' | 'function' | 'admin';
  };
  /**
   * The query parameters and JSON body fields the handler reads (route parameters come from `route`), taken from the
   * same constants its parser checks against. Not part of the binding: the hostile-input test reads it, so a new
   * parameter is attacked as soon as the parser accepts it.
   */
  parameters: { query?: readonly string[]; body?: readonly string[] };
}

export type FunctionDefinition = QueueFunction | TimerFunction | EventHubFunction | HttpFunction;

/** Resolves `%SETTING%` references the way the Functions host does for binding expressions. */
export function resolveSettingReferences(value: string, settings: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/%([A-Za-z0-9_]+)%/g, (_match, name: string) => {
    const resolved = settings[name];
    if (resolved === undefined) throw new Error(`Binding expression %${name}% names an app setting that is not set`);
    return resolved;
  });
}
