// Registers declared functions with the Azure Functions host (v4 programming model).
import { app } from '@azure/functions';
import type { AppContext, FunctionDefinition } from './definition.ts';

export function registerWithHost(definitions: readonly FunctionDefinition[], context: () => AppContext): void {
  // The handler factory runs on first invocation, so a bad setting fails that invocation with a clear
  // ConfigError in the log instead of stopping the worker from indexing every function.
  const lazy = <T extends (...args: never[]) => Promise<unknown>>(build: (app: AppContext) => T): T => {
    let handler: T | undefined;
    return ((...args: Parameters<T>) => (handler ??= build(context()))(...args)) as T;
  };
  for (const definition of definitions) {
    switch (definition.trigger.type) {
      case 'storageQueue': {
        const d = definition as Extract<FunctionDefinition, { trigger: { type: 'storageQueue' } }>;
        app.storageQueue(d.name, { ...d.trigger, handler: lazy(d.handler) });
        break;
      }
      case 'timer': {
        const d = definition as Extract<FunctionDefinition, { trigger: { type: 'timer' } }>;
        app.timer(d.name, { schedule: d.trigger.schedule, runOnStartup: d.trigger.runOnStartup ?? false, handler: lazy(d.handler) });
        break;
      }
      case 'eventHub': {
        const d = definition as Extract<FunctionDefinition, { trigger: { type: 'eventHub' } }>;
        const { retry, type: _type, ...options } = d.trigger;
        app.eventHub(d.name, { ...options, retry, handler: lazy(d.handler) });
        break;
      }
      case 'http': {
        const d = definition as Extract<FunctionDefinition, { trigger: { type: 'http' } }>;
        app.http(d.name, { ...d.trigger, handler: lazy(d.handler) });
        break;
      }
    }
  }
}
