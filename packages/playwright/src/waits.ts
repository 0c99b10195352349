/**
 * Waits on what the server pushes (tRPC subscriptions), never on sleeps or polling:
 * a test resumes the moment the run or thread gets where it waits for.
 */
import type { createClient, inferRouterOutputs, AppRouter } from "@lgrs/client";

export type TrpcClient = ReturnType<typeof createClient>;
type Outputs = inferRouterOutputs<AppRouter>;
export type Run = Outputs["runs"]["get"];
export type RunStatus = Run["status"];
export type ThreadState = Outputs["threads"]["state"];

/** One event of a run's stream: its name (`values`, `messages`, `updates|agent`, ...) and data. */
export interface RunStreamEvent {
  id: string;
  event: string;
  data: unknown;
}

export interface WaitOptions {
  /** give up after this long (default 30 s): the error says what was awaited */
  timeoutMs?: number;
}

const FINAL: readonly string[] = ["success", "error", "timeout", "interrupted"];
const DEFAULT_TIMEOUT_MS = 30_000;

/** Settles with `work`'s answer, or rejects after `timeoutMs` with `what` in the message; `stop` ends the subscription either way. */
function bounded<T>(
  what: string,
  timeoutMs: number,
  work: (resolve: (v: T) => void, reject: (e: unknown) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let stop = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const settle =
      <A>(fn: (a: A) => void) =>
      (a: A) => {
        clearTimeout(timer);
        stop();
        fn(a);
      };
    stop = work(settle(resolve), settle(reject));
  });
}

/**
 * Resolves with the run once it has `status`. A final status (success, error, timeout,
 * interrupted) is awaited on the run's own stream, which ends with it; `pending` or
 * `running` on the runs feed. Rejects if the run ends in another status.
 */
export function waitForRun(client: TrpcClient, runId: string, status: RunStatus, options: WaitOptions = {}): Promise<Run> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const what = `run ${runId} to be ${status}`;
  const mismatch = (got: string) => new Error(`run ${runId} ended ${got}, not ${status}`);
  if (FINAL.includes(status)) {
    return bounded<Run>(what, timeoutMs, (resolve, reject) => {
      // from "end": no replay of the run's events, only its end (at once when it has ended)
      const sub = client.runs.stream.subscribe(
        { runId, lastEventId: "end", onDisconnect: "continue" },
        {
          onData({ data }) {
            if (data.type !== "end") return;
            if (data.status !== status) reject(mismatch(data.status));
            else client.runs.get.query({ runId }).then(resolve, reject);
          },
          onError: reject,
        },
      );
      return () => sub.unsubscribe();
    });
  }
  return bounded<Run>(what, timeoutMs, (resolve, reject) => {
    let done = false;
    const check = (run: Run) => {
      if (done || run.id !== runId) return;
      if (run.status === status) {
        done = true;
        resolve(run);
      } else if (FINAL.includes(run.status)) {
        done = true;
        reject(mismatch(run.status));
      }
    };
    // subscribed before the first read: a change between the two is not missed
    const sub = client.runs.watch.subscribe(undefined, {
      onStarted() {
        client.runs.get.query({ runId }).then(check, reject);
      },
      onData(change) {
        check(change.run as Run);
      },
      onError: reject,
    });
    return () => sub.unsubscribe();
  });
}

/**
 * Resolves with the thread's state once a run on it stops at an interrupt (the
 * state's `interrupts` say where and with what value). Rejects if a run on the
 * thread ends otherwise and leaves it idle or in error.
 */
export function waitForInterrupt(client: TrpcClient, threadId: string, options: WaitOptions = {}): Promise<ThreadState> {
  return bounded<ThreadState>(`an interrupt on thread ${threadId}`, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, (resolve, reject) => {
    let done = false;
    const look = async () => {
      const thread = await client.threads.get.query({ threadId });
      if (done) return;
      if (thread.status === "interrupted") {
        done = true;
        resolve(await client.threads.state.query({ threadId }));
      } else if (thread.status === "error") {
        done = true;
        reject(new Error(`thread ${threadId} is in error, not interrupted`));
      }
    };
    const sub = client.runs.watch.subscribe(undefined, {
      onStarted() {
        look().catch(reject);
      },
      onData(change) {
        const run = change.run as Run;
        if (run.threadId === threadId && FINAL.includes(run.status)) look().catch(reject);
      },
      onError: reject,
    });
    return () => sub.unsubscribe();
  });
}

/**
 * Follows a run's events from its first and resolves with the first one `predicate`
 * accepts (the tokens of a reply so far, a tool call, a node's update). Rejects if the
 * run ends first. Leaving the stream does not cancel the run.
 */
export function streamUntil(
  client: TrpcClient,
  runId: string,
  predicate: (event: RunStreamEvent) => boolean,
  options: WaitOptions = {},
): Promise<RunStreamEvent> {
  return bounded<RunStreamEvent>(
    `an event of run ${runId} that the predicate accepts`,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    (resolve, reject) => {
      const sub = client.runs.stream.subscribe(
        { runId, lastEventId: null, onDisconnect: "continue" },
        {
          onData({ id, data }) {
            if (data.type === "end") reject(new Error(`run ${runId} ended ${data.status} before an event matched`));
            else if (data.type === "event") {
              const event = { id, event: data.event, data: data.data };
              try {
                if (predicate(event)) resolve(event);
              } catch (err) {
                reject(err);
              }
            }
          },
          onError: reject,
        },
      );
      return () => sub.unsubscribe();
    },
  );
}
