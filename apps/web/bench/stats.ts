/** Small timing helpers shared by the in-process and the server side, so both are measured the same way. */

/** The q-quantile (0.5 = median) of `values`, nearest rank; NaN for none. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export const p50 = (values: number[]): number => quantile(values, 0.5);

/** One streamed run's timings, in ms from the call that started it. */
export interface RunTiming {
  firstEvent: number;
  total: number;
}

/** Runs `total` jobs with `inFlight` at a time; returns jobs per second over the whole batch. */
export async function throughput(total: number, inFlight: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(inFlight, total) }, async () => {
      while (next < total) await job(next++);
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

/** `count` sequential calls of `job`, each timed. */
export async function sequential<T>(count: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await job(i));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** ms on a clock every thread of this process shares (a worker's performance.now() starts at its own origin) */
export const clock = (): number => performance.timeOrigin + performance.now();

/** One fan-out subscriber's readings, in ms on `clock`. */
export interface SubscriberReading {
  joinedAt: number;
  /** its first graph event (not `metadata`) */
  firstAt: number;
  lastAt: number;
  endAt: number;
  events: number;
}
