/**
 * `work`, or `error()` once `millis` have passed, whichever comes first. The work itself is not
 * stopped (a promise cannot be): callers use it where what runs on is bounded elsewhere (a scan on
 * a worker thread with its own hard limit, a fetch with its own timeout).
 *
 * @example
 * const report = await withTimeout(scan(file), 120_000, () => new Error("scan took too long"));
 */
export async function withTimeout<T>(work: Promise<T>, millis: number, error: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), millis);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
