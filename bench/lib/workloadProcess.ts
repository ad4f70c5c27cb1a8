// Runs a pipeline workload in a fresh Node process, so its peak RSS is the app's alone and not what earlier
// benches in this process left on the heap. The child reports its WorkloadResult over IPC.
import { replyFromChild, sendReply } from './childReply.ts';
import { runWorkload, type Workload, type WorkloadResult } from './runWorkload.ts';

export function runWorkloadInChild(workload: Workload): Promise<WorkloadResult> {
  return replyFromChild<WorkloadResult>(import.meta.filename, [JSON.stringify(workload)], workload.timeoutMs + 5 * 60_000);
}

if (import.meta.main) {
  const workload = JSON.parse(process.argv[2] ?? '{}') as Workload;
  await sendReply(async () => {
    for (let i = 0; i < (workload.warmups ?? 0); i++) await runWorkload(workload);
    return runWorkload(workload);
  });
}
