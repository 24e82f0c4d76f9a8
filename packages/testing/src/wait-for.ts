export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes the condition in the time-out error. */
  description?: string;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, and returns that value.
 * Tests wait on conditions, never on fixed sleeps. On time-out the last error thrown by the probe
 * (if any) is part of the message.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitForOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a condition'}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
