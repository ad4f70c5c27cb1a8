// Runs a bench script in a fresh Node process and waits for the one reply it sends over IPC: a process of its own,
// so its memory and JIT state are its alone. The script answers with `sendReply` (or exits without one, an error).
import { fork } from 'node:child_process';

type Reply<T> = { ok: true; result: T } | { ok: false; error: string };

export function replyFromChild<T>(script: string, args: readonly string[], timeoutMs: number): Promise<T> {
  const child = fork(script, [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let reply: Reply<T> | undefined;
    // The script's own timeouts fire first; this only catches a child that hangs outright.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('message', (message: Reply<T>) => (reply = message));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok) resolve(reply.result);
      else reject(new Error(reply ? reply.error : `${script} exited (${signal ?? code}) without a result`));
    });
  });
}

/** In the child: runs `work`, sends its result (or its error) to the parent, then exits. */
export async function sendReply<T>(work: () => Promise<T>): Promise<void> {
  let reply: Reply<T>;
  try {
    reply = { ok: true, result: await work() };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send?.(reply, () => process.exit(0));
}
