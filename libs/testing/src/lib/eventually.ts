/**
 * Polls `probe` until it returns without throwing (and, with a predicate, satisfies it), or
 * fails with the last error after `timeoutMs`. Tests wait for a condition, never for time.
 */
export async function eventually<T>(probe: () => Promise<T> | T, options: { timeoutMs?: number; intervalMs?: number; message?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${options.message ?? 'condition not met'} within ${options.timeoutMs ?? 30_000} ms: ${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
