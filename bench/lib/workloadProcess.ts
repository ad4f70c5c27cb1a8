// Runs a pipeline workload in a fresh Node process, so its peak RSS is the app's alone and not what earlier
// benches in this process left on the heap. The child reports its WorkloadResult over IPC.
import { fork } from 'node:child_process';
import { runWorkload, type Workload, type WorkloadResult } from './runWorkload.ts';

type Reply = { ok: true; result: WorkloadResult } | { ok: false; error: string };

export function runWorkloadInChild(workload: Workload): Promise<WorkloadResult> {
  const child = fork(import.meta.filename, [JSON.stringify(workload)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let reply: Reply | undefined;
    // The child's own idle timeout fires first; this only catches a child that hangs outright.
    const timer = setTimeout(() => child.kill('SIGKILL'), workload.timeoutMs + 5 * 60_000);
    child.on('message', (message: Reply) => (reply = message));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok) resolve(reply.result);
      else reject(new Error(reply ? reply.error : `the workload process exited (${signal ?? code}) without a result`));
    });
  });
}

if (import.meta.main) {
  const workload = JSON.parse(process.argv[2] ?? '{}') as Workload;
  let reply: Reply;
  try {
    for (let i = 0; i < (workload.warmups ?? 0); i++) await runWorkload(workload);
    reply = { ok: true, result: await runWorkload(workload) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send?.(reply, () => process.exit(0));
}
