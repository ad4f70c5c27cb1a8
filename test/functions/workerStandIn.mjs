// Preloaded (`node --import`) into a plain Node 22 process in place of the Azure Functions Node worker, to load the
// *compiled* app (dist/functions/index.js) the way Azure does and report what it would tell the host. Like the
// worker, it answers `require('@azure/functions-core')` with a core API; this one records each registerFunction
// call (the metadata the host indexes) and every module resolved on the way. Used by index.test.ts.
import Module, { registerHooks } from 'node:module';
import process from 'node:process';

const registrations = [];
const resolved = new Set();
const coreApi = {
  version: '3.10.1', // a worker recent enough for HTTP streams (the library checks for `log`)
  setProgrammingModel(model) {
    coreApi.programmingModel = { name: model.name, version: model.version };
  },
  registerFunction(metadata, callback) {
    registrations.push({ ...metadata, hasCallback: typeof callback === 'function' });
    return { dispose() {} };
  },
  registerHook() {
    return { dispose() {} };
  },
  log() {},
};

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === '@azure/functions-core') return coreApi;
  return load.call(this, request, parent, isMain);
};

registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    resolved.add(result.url);
    return result;
  },
});

process.on('beforeExit', () => {
  const report = { programmingModel: coreApi.programmingModel, registrations, resolved: [...resolved] };
  process.stdout.write(`${JSON.stringify(report)}\n`);
});
