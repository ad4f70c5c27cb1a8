// Loaded into Azurite's process (`node --import`) by the Azurite kill test. Azurite keeps its metadata (queue
// messages, table entities, blob and extent indexes) in LokiJS databases that it saves every 5 s, so a SIGKILL
// loses writes it has already acknowledged; Azure Storage never does that. Here every database with unsaved
// changes is written to disk, synchronously, before Azurite sends any response, and LokiJS's own timed and
// asynchronous saves are replaced by that: what Azurite acknowledged survives a SIGKILL, as on Azure. Test-only.
import { renameSync, writeFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

interface LokiDatabase {
  persistenceMethod: string | null;
  filename: string;
  serialize(): string;
  autosaveDirty(): boolean;
  autosaveClearFlags(): void;
}

// The very module instance Azurite requires (CommonJS modules are cached by resolved path).
const fromAzurite = createRequire(createRequire(import.meta.url).resolve('azurite/package.json'));
const Loki = fromAzurite('lokijs') as { prototype: Record<string, unknown> };

const databases = new Set<LokiDatabase>();

function saveNow(db: LokiDatabase): void {
  if (db.persistenceMethod !== 'fs' || !db.filename) return;
  // The adapter's own way: write a temporary file, then rename it over the database (never half a file).
  const temporary = `${db.filename}~`;
  writeFileSync(temporary, db.serialize());
  renameSync(temporary, db.filename);
  db.autosaveClearFlags();
}

// Called by the constructor when `autosave` is set: remember the database, start no timer.
Loki.prototype.autosaveEnable = function autosaveEnable(this: LokiDatabase) {
  databases.add(this);
};

Loki.prototype.saveDatabase = function saveDatabase(this: LokiDatabase, callback?: (error: unknown) => void) {
  let error: unknown = null;
  try {
    saveNow(this);
  } catch (caught) {
    error = caught;
  }
  if (typeof callback === 'function') setImmediate(() => callback(error));
};

const writeHead = ServerResponse.prototype.writeHead as (...args: unknown[]) => ServerResponse;
ServerResponse.prototype.writeHead = function durableWriteHead(this: ServerResponse, ...args: unknown[]) {
  for (const db of databases) if (db.autosaveDirty()) saveNow(db);
  return writeHead.apply(this, args);
} as ServerResponse['writeHead'];
