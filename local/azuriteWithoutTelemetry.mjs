// Preloaded into Azurite's process (plain JS: loading the TypeScript stripper there would cost more than this saves).
// Azurite requires the Application Insights SDK, and with it OpenTelemetry's exporters, at start-up even with
// --disableTelemetry: about half of its start-up CPU (1.1–1.3 s of 2.3–2.9 s measured here). With telemetry
// disabled it never calls into that module (every use is behind `enableTelemetry && client !== undefined`), so it
// gets an empty module instead.
import { registerHooks } from 'node:module';

const EMPTY = 'file:///azurite-telemetry-disabled/applicationinsights.cjs';

registerHooks({
  resolve: (specifier, context, next) => (specifier === 'applicationinsights' ? { url: EMPTY, format: 'commonjs', shortCircuit: true } : next(specifier, context)),
  load: (url, context, next) => (url === EMPTY ? { format: 'commonjs', source: 'module.exports = {};', shortCircuit: true } : next(url, context)),
});
