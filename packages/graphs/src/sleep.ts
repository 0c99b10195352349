/**
 * A delay that ends early, with an error, when the run is cancelled. A delay of 0
 * only yields to the event loop (setImmediate): a 0 ms timer waits at least 1 ms,
 * which would make a 25-token reply at `token_delay_ms: 0` take 25 ms of timers.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
    const onAbort = () => {
      cancel();
      reject(signal?.reason ?? new Error("aborted"));
    };
    const done = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    let cancel: () => void;
    if (ms > 0) {
      const timer = setTimeout(done, ms);
      cancel = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(done);
      cancel = () => clearImmediate(immediate);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
