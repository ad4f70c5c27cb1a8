// Committed offsets of Kafka consumer groups: in memory, and with a data directory also in one JSON file, rewritten
// (write to a temporary file, then rename) before a commit is acknowledged, so a restart keeps every group's place.
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmulatorStorageError } from '../errors.ts';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
  leaderEpoch: number;
}

type Stored = Record<string, Record<string, CommittedOffset>>;

const FILE = 'kafka-consumer-offsets.json';

export class CommittedOffsets {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private readonly path: string | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(dataDir?: string) {
    this.path = dataDir === undefined ? undefined : join(dataDir, FILE);
    if (this.path && existsSync(this.path)) {
      try {
        const stored = JSON.parse(readFileSync(this.path, 'utf8')) as Stored;
        for (const [group, offsets] of Object.entries(stored)) this.groups.set(group, new Map(Object.entries(offsets)));
      } catch (error) {
        throw new EmulatorStorageError(`cannot read Kafka consumer group offsets from ${this.path}`, { cause: error });
      }
    }
  }

  private static key(topic: string, partition: number): string {
    return `${topic.toLowerCase()}/${partition}`;
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(CommittedOffsets.key(topic, partition));
  }

  set(group: string, topic: string, partition: number, value: CommittedOffset): void {
    let offsets = this.groups.get(group);
    if (!offsets) this.groups.set(group, (offsets = new Map()));
    offsets.set(CommittedOffsets.key(topic, partition), value);
  }

  /** The topics (lower case) a group has committed offsets for, with those partitions. */
  committedTopics(group: string): Map<string, number[]> {
    const topics = new Map<string, number[]>();
    for (const key of this.groups.get(group)?.keys() ?? []) {
      const slash = key.lastIndexOf('/');
      const topic = key.slice(0, slash);
      topics.set(topic, [...(topics.get(topic) ?? []), Number(key.slice(slash + 1))]);
    }
    return topics;
  }

  /** Resolves once everything set so far is on disk (at once without a data directory). */
  save(): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    const snapshot: Stored = {};
    for (const [group, offsets] of this.groups) snapshot[group] = Object.fromEntries(offsets);
    const text = JSON.stringify(snapshot);
    this.saving = this.saving.then(async () => {
      await writeFile(`${path}.tmp`, text);
      await rename(`${path}.tmp`, path);
    });
    return this.saving;
  }
}
