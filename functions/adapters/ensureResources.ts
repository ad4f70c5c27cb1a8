// Creates the containers, queues and tables the app uses. In Azure, Bicep creates them and the app's identity
// may not create resources; locally (Azurite) the local host and the CLI call this once at start-up.
import { RESOURCES } from '../config/settings.ts';
import type { Clients } from '../app/definition.ts';

export const CONTAINERS = [RESOURCES.citiesContainer, RESOURCES.rawContainer, RESOURCES.rejectedContainer, RESOURCES.deadletterContainer];
export const QUEUES = [RESOURCES.cityFilesQueue, `${RESOURCES.cityFilesQueue}-poison`, RESOURCES.fetchJobsQueue, `${RESOURCES.fetchJobsQueue}-poison`];
export const TABLES = [RESOURCES.aggregatesTable, RESOURCES.citiesTable, RESOURCES.runsTable, RESOURCES.quotaTable];

export async function ensureStorageResources(clients: Clients): Promise<void> {
  const blob = clients.blobService();
  const queue = clients.queueService();
  await Promise.all([
    ...CONTAINERS.map((name) => blob.getContainerClient(name).createIfNotExists()),
    ...QUEUES.map((name) => queue.getQueueClient(name).createIfNotExists()),
    ...TABLES.map(async (name) => {
      try {
        await clients.table(name).createTable();
      } catch (error) {
        // createTable already tolerates 409; anything else is real.
        if ((error as { statusCode?: number }).statusCode !== 409) throw error;
      }
    }),
  ]);
}
