// Queue trigger on `city-files`: Event Grid delivers each new blob in `cities` there as a BlobCreated event.
import { createBlobStore } from '../adapters/blobs.ts';
import { createCityRegistry } from '../adapters/cityRegistry.ts';
import { createQueueSender } from '../adapters/queues.ts';
import { createRunLedger } from '../adapters/runLedger.ts';
import type { QueueFunction } from '../app/definition.ts';
import { RESOURCES, STORAGE_CONNECTION } from '../config/settings.ts';
import { onCityFileMessage } from '../ingest/onCityFile.ts';

export const onCityFile: QueueFunction = {
  name: 'onCityFile',
  trigger: { type: 'storageQueue', queueName: RESOURCES.cityFilesQueue, connection: STORAGE_CONNECTION },
  handler: (app) => {
    const deps = {
      blobs: createBlobStore(app.clients.blobService()),
      queue: createQueueSender(app.clients.queueService()),
      registry: createCityRegistry(app.clients.table(RESOURCES.citiesTable)),
      ledger: createRunLedger(app.clients.table(RESOURCES.runsTable)),
      config: app.config,
      now: app.now,
    };
    return async (message, context) => {
      await onCityFileMessage(message, deps, context);
    };
  },
};
