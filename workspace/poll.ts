/**
 * The one poller: waits for a condition with a deadline and a fixed interval, and says what it was
 * waiting for when it gives up. Every bounded wait in warren goes through it (no fixed sleeps).
 */
/** Waits until `check` returns a value (not undefined), polling, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
