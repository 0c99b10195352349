import type { BridgeItem } from "../bridge/index.ts";
import type { Run } from "./types.ts";

/** One item of a thread's runs, read in order: which run it belongs to, and the item. */
export interface ThreadStreamItem {
  run: Run;
  item: BridgeItem;
}

/** What following a thread needs of the run service (kept as functions: the rules stay in RunService). */
export interface ThreadFollowSource {
  /** the thread's latest run (rolled-back ones left out), if any */
  latest(): Promise<Run | undefined>;
  /** the thread's runs created at or after `since`, oldest first */
  since(since: Date): Promise<Run[]>;
  /** the run's events from its first, then its end */
  events(run: Run, signal: AbortSignal): AsyncIterable<BridgeItem>;
  /** runs of the thread as they are created or change, from this call on */
  changes(signal: AbortSignal): AsyncIterable<Run>;
}

/**
 * A thread's runs one after the other, from its latest run at the call: each
 * run's events from the first (a late reader replays what it missed), then the
 * next run the thread gets (a resume after an interrupt, the next queued run),
 * until `signal` aborts. This is the event log the thread-centric protocol reads:
 * its clients follow a thread, not a run.
 */
export async function* followThread(source: ThreadFollowSource, signal: AbortSignal): AsyncGenerator<ThreadStreamItem> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) stop.abort();
  // listening starts before the first look, so a run created in between is not missed
  const created: Run[] = [];
  let wake: (() => void) | undefined;
  const changes = source.changes(stop.signal);
  void (async () => {
    for await (const run of changes) {
      created.push(run);
      wake?.();
    }
  })().catch(() => stop.abort());

  const seen = new Set<string>();
  const nextAfter = async (previous: Run | undefined): Promise<Run | undefined> => {
    // the query sees every run created so far: only changes from here on are still news
    created.length = 0;
    const candidates = previous ? await source.since(previous.createdAt) : [];
    return candidates.find((r) => !seen.has(r.id));
  };

  try {
    let current = await source.latest();
    while (!stop.signal.aborted) {
      if (!current) {
        const fresh = created.splice(0).find((r) => !seen.has(r.id));
        if (fresh) {
          current = fresh;
        } else {
          await new Promise<void>((resolve) => {
            wake = resolve;
            stop.signal.addEventListener("abort", () => resolve(), { once: true });
          });
          wake = undefined;
          continue;
        }
      }
      seen.add(current.id);
      for await (const item of source.events(current, stop.signal)) yield { run: current, item };
      if (stop.signal.aborted) return;
      current = await nextAfter(current);
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    stop.abort();
  }
}
