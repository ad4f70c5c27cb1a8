// Bounded polling for tests that wait on something outside their process (a child's output, a pipeline's state).

/** Polls `condition` every 50 ms until it holds; fails after `timeoutMs` with `what`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
