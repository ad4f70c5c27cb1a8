// Peak resident memory of this process and every process it started (Azurite, the Event Hubs emulator), sampled
// from /proc: a child's memory is invisible to process.memoryUsage(), and the local stack is mostly children. The same
// samples record each process's CPU time, so a bench can say how busy every process was in a window of the run.
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryPeaks {
  /** This process: the function app and the local host. */
  selfMiB: number;
  /** Peak per child, labelled by what it runs. */
  children: Record<string, number>;
  /** Peak of the sum over the whole tree at one sample (not the sum of the peaks). */
  treeMiB: number;
  /** False where /proc is missing (not Linux): only this process was measured. */
  complete: boolean;
}

const MIB = 1024 * 1024;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process exited between the listing and the read
  }
}

/** Parent pid from /proc/<pid>/stat; the command name in parentheses may itself hold spaces and parentheses. */
function parentOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime: 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

/** Bytes per page, for /proc/<pid>/stat's rss field (in pages): 4 KiB on every Linux Node runs on here. */
const PAGE_BYTES = 4096;

/**
 * User + system CPU seconds so far (fields 14 and 15) and resident memory (field 24) of a process, from one read
 * of /proc/<pid>/stat; undefined once it has exited.
 */
function statOf(pid: number): { cpuSeconds: number; rssMiB: number } | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, rssMiB: (Number(fields[21]) * PAGE_BYTES) / MIB };
}

/**
 * This process's main thread (its task id is the pid), apart from V8's GC and compiler threads: the one thread that
 * runs the app's JavaScript. Seconds on a CPU and seconds runnable but waiting for one, from the scheduler's own
 * nanosecond counters (/proc/<pid>/task/<tid>/schedstat); undefined where there are none.
 */
export function mainThreadSchedule(): { cpuSeconds: number; waitSeconds: number } | undefined {
  const fields = read(`/proc/${process.pid}/task/${process.pid}/schedstat`)?.split(' ');
  if (!fields || fields.length < 2) return undefined;
  return { cpuSeconds: Number(fields[0]) / 1e9, waitSeconds: Number(fields[1]) / 1e9 };
}

const labels = new Map<number, string>();

/** What a child runs, from its command line; remembered once known (a child not yet exec'd shows ours). */
function label(pid: number): string {
  const known = labels.get(pid);
  if (known) return known;
  const command = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');
  const name = nameOf(command);
  if (name) labels.set(pid, name);
  return name ?? `pid ${pid}`;
}

function nameOf(command: string): string | undefined {
  if (command.includes('azurite')) return 'azurite';
  if (command.includes('eventhubs')) return 'eventhubs';
  if (command.includes('openmeteo')) return 'openmeteo stand-in';
  return undefined;
}

/** Children from /proc/<pid>/task/<tid>/children: a few reads per process instead of a scan of every process. */
function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // it exited
  }
  return tasks.flatMap((tid) => (read(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ').filter(Boolean).map(Number));
}

const childrenFiles = (() => {
  try {
    readFileSync(`/proc/${process.pid}/task/${process.pid}/children`);
    return true;
  } catch {
    return false;
  }
})();

function descendants(root: number): number[] {
  // The full scan read /proc/<pid>/stat of every process on the machine 4 times a second: seconds of CPU in the
  // very process being measured, on a shared machine with a few hundred processes.
  if (childrenFiles) {
    const found: number[] = [];
    const stack = [root];
    while (stack.length > 0) {
      for (const child of childrenOf(stack.pop()!)) {
        found.push(child);
        stack.push(child);
      }
    }
    return found;
  }
  return scanDescendants(root);
}

function scanDescendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const found: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

/** CPU seconds each process (`app` for this one) used between two samples. */
export type CpuSeconds = Record<string, number>;

export interface CpuWindow {
  spanSeconds: number;
  used: CpuSeconds;
  /** Of `used.app`, what this process's main thread used, and how long it waited for a CPU (without /proc: absent). */
  appMainThread?: { cpuSeconds: number; waitSeconds: number };
}

export interface TreeSampler {
  stop(): MemoryPeaks;
  /**
   * CPU used per process from the last sample at or before `fromMs` to the first at or after `toMs` (epoch ms), and
   * the span those two samples cover (a little wider than asked, by up to one interval at each end).
   */
  cpuBetween(fromMs: number, toMs: number): CpuWindow;
}

/** Samples between two listings of the tree. */
const TREE_EVERY = 10;

export function sampleProcessTree(intervalMs = 250): TreeSampler {
  const complete = (() => {
    try {
      readdirSync('/proc');
      return true;
    } catch {
      return false;
    }
  })();
  const peaks: MemoryPeaks = { selfMiB: 0, children: {}, treeMiB: 0, complete };
  const cpu: { at: number; seconds: CpuSeconds; main: ReturnType<typeof mainThreadSchedule> }[] = [];
  // The tree is listed again once a second, not at every sample: a listing reads a file per thread of every
  // process in it, which was most of the sampler's cost in the very process being measured.
  let tree: number[] = [];
  let samples = 0;
  const sample = () => {
    const self = process.memoryUsage.rss() / MIB;
    const usage = process.cpuUsage();
    const seconds: CpuSeconds = { app: (usage.user + usage.system) / 1e6 };
    let total = self;
    peaks.selfMiB = Math.max(peaks.selfMiB, self);
    if (complete) {
      if (samples++ % TREE_EVERY === 0) tree = descendants(process.pid);
      for (const pid of tree) {
        const stat = statOf(pid);
        if (!stat) continue;
        const name = label(pid);
        total += stat.rssMiB;
        peaks.children[name] = Math.max(peaks.children[name] ?? 0, stat.rssMiB);
        seconds[name] = (seconds[name] ?? 0) + stat.cpuSeconds;
      }
    }
    peaks.treeMiB = Math.max(peaks.treeMiB, total);
    cpu.push({ at: Date.now(), seconds, main: mainThreadSchedule() });
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
    cpuBetween(fromMs, toMs) {
      const first = cpu.findLast((s) => s.at <= fromMs) ?? cpu[0];
      const last = cpu.find((s) => s.at >= toMs) ?? cpu.at(-1);
      const used: CpuSeconds = {};
      if (!first || !last) return { spanSeconds: 0, used };
      for (const [name, seconds] of Object.entries(last.seconds)) used[name] = seconds - (first.seconds[name] ?? 0);
      const main = last.main && first.main
        ? { appMainThread: { cpuSeconds: last.main.cpuSeconds - first.main.cpuSeconds, waitSeconds: last.main.waitSeconds - first.main.waitSeconds } }
        : {};
      return { spanSeconds: (last.at - first.at) / 1000, used, ...main };
    },
  };
}
