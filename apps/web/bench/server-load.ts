/**
 * The server side of the bench: the official SDK Client over HTTP with an API
 * key, driving one started server exactly as the issue measured it.
 */
import { createServer } from "node:http";
import { Worker } from "node:worker_threads";
import type { AddressInfo } from "node:net";
import type { Client } from "@langchain/langgraph-sdk";
import { sdkClient } from "./sdk-client.ts";
import { GRAPH_ID, INPUT, RUN_CONFIGURABLE, settings } from "./settings.ts";
import { PeakMemory, residentMb } from "./server-process.ts";
import { clock, p50, sequential, sleep, throughput, type RunTiming, type SubscriberReading } from "./stats.ts";

export interface FanoutResults {
  /** ms from the origin's last event to the last subscriber's last event (negative: they all had it first) */
  lastEventAfterOrigin: number;
  /**
   * ms from the origin stream's end to the last subscriber's end (negative: they all
   * ended first). Each stream's end includes the SDK's own check after the server
   * closes it (a GET of the run, since the response names where to reconnect), so
   * 51 such GETs at once weigh on it.
   */
  lastDoneAfterOrigin: number;
  /** ms from each subscriber's join to its first graph event, median */
  subscriberFirstEventP50: number;
  /** subscribers whose first event came while the run was still streaming to its origin */
  joinedWhileRunning: number;
  /** subscribers that received every event the origin did */
  complete: number;
  /**
   * ms from a lone subscriber's join to its first graph event, median over
   * `settings.lateJoins` joins one after another to a run streaming meanwhile: the
   * join itself, without 49 others queued beside it
   */
  lateJoinFirstEventP50: number;
}

export interface MemoryResults {
  /** MB resident after start-up and the warm-up runs, before any measured load */
  idle: number;
  /** MB right after the 100th streamed run (under the load of the 120-run batch) */
  after100: number;
  /** highest MB sampled (every 100 ms) from the idle reading to the last run */
  peak: number;
  /** streamed runs on this server in all when the readings below were taken (0: not measured) */
  runs: number;
  /** MB right after the last of `runs` (under the same load of 8 in flight) */
  afterRuns: number;
  /** MB after `settings.settleMs` of quiet */
  afterRunsSettled: number;
}

export interface ServerResults {
  firstEventP50: number;
  totalP50: number;
  /** until the server's first event of any kind (`metadata`, sent once the run is created) */
  metadataP50: number;
  runsPerSecond: number;
  fanout: FanoutResults;
  /** `GET /assistants/<id>` through the SDK, end to end */
  trivialP50: number;
  /** the same SDK call answered by a bare node:http server in this process: the client's and HTTP's own share */
  trivialFloorP50: number;
  /** `POST /threads` through the SDK, end to end */
  threadCreateP50: number;
  memory: MemoryResults;
}

const now = () => performance.now();
const log = (line: string) => console.error(`  ${line}`);

class ServerBench {
  runsDone = 0;
  after100 = Number.NaN;
  private assistantId = "";

  constructor(
    private readonly client: Client,
    private readonly pid: number,
    private readonly apiUrl: string,
    private readonly apiKey: string,
  ) {}

  async init(): Promise<void> {
    const [assistant] = await this.client.assistants.search({ graphId: GRAPH_ID, limit: 1 });
    if (!assistant) throw new Error(`the server has no assistant for the "${GRAPH_ID}" graph`);
    this.assistantId = assistant.assistant_id;
  }

  /** A thread, timed: thread creation is the second trivial request measured. */
  async newThread(): Promise<{ threadId: string; ms: number }> {
    const t0 = now();
    const thread = await this.client.threads.create();
    return { threadId: thread.thread_id, ms: now() - t0 };
  }

  /** One streamed run on `threadId`; its first event is the first one the graph made (not the server's `metadata`). */
  async streamRun(
    threadId: string,
    configurable: Record<string, unknown> = RUN_CONFIGURABLE,
  ): Promise<RunTiming & { metadata: number; runId: string }> {
    const t0 = now();
    let firstEvent = Number.NaN;
    let metadata = Number.NaN;
    let runId = "";
    for await (const part of this.client.runs.stream(threadId, this.assistantId, {
      input: INPUT,
      config: { configurable },
      streamMode: ["values", "messages-tuple"],
      onRunCreated: ({ run_id }) => (runId = run_id),
    })) {
      if (part.event === "error") throw new Error(`a run failed: ${JSON.stringify(part.data)}`);
      if (Number.isNaN(metadata)) metadata = now() - t0;
      if (Number.isNaN(firstEvent) && part.event !== "metadata") firstEvent = now() - t0;
    }
    const total = now() - t0;
    this.countRun();
    return { firstEvent, total, metadata, runId };
  }

  /** A run streamed to its end, by its ids (the fan-out's workers warm up replaying it). */
  async finishedRun(): Promise<{ threadId: string; runId: string }> {
    const { threadId } = await this.newThread();
    return { threadId, runId: (await this.streamRun(threadId)).runId };
  }

  private countRun(): void {
    this.runsDone++;
    if (this.runsDone === 100) this.after100 = residentMb(this.pid);
  }

  /**
   * One run followed by its origin (`runs.stream`) and `subscribers` joiners
   * (`runs.joinStream` from the first event, "-1", so each gets the whole run),
   * all joining as soon as the run's id is known. The run's model is slowed
   * (settings.fanoutTokenDelayMs) so the joiners meet it running. The joiners are
   * spread over `settings.subscriberThreads` worker threads, as fifty clients are
   * not one: in one event loop the SDK's parsing of fifty streams, and the GET it
   * makes as each ends, queue behind one another and were measured as fan-out.
   */
  async fanout(): Promise<FanoutResults> {
    const warmUpRun = await this.finishedRun();
    const threads = Math.max(1, Math.min(settings.subscriberThreads, settings.subscribers));
    const workers = await Promise.all(
      Array.from({ length: threads }, (_, i) =>
        subscriberWorker(
          this.apiUrl,
          this.apiKey,
          Math.floor(settings.subscribers / threads) + (i < settings.subscribers % threads ? 1 : 0),
          warmUpRun,
        ),
      ),
    );
    try {
      // one run's figures hang on a few scheduling accidents: the median of a few runs
      const rounds = await sequential(Math.max(1, settings.fanoutRounds), () => this.fanoutRound(workers));
      const median = (pick: (r: FanoutRound) => number) => p50(rounds.map(pick));
      return {
        lastEventAfterOrigin: median((r) => r.lastEventAfterOrigin),
        lastDoneAfterOrigin: median((r) => r.lastDoneAfterOrigin),
        subscriberFirstEventP50: median((r) => r.subscriberFirstEventP50),
        joinedWhileRunning: Math.min(...rounds.map((r) => r.joinedWhileRunning)),
        complete: Math.min(...rounds.map((r) => r.complete)),
        lateJoinFirstEventP50: await this.lateJoins(),
      };
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  }

  private async fanoutRound(workers: SubscriberWorker[]): Promise<FanoutRound> {
    const { threadId } = await this.newThread();
    let created: (runId: string) => void = () => {};
    const runIdKnown = new Promise<string>((resolve) => (created = resolve));
    let originEnd = Number.NaN;
    let originLastEvent = Number.NaN;
    const origin = (async () => {
      let events = 0;
      for await (const part of this.client.runs.stream(threadId, this.assistantId, {
        input: INPUT,
        config: { configurable: { token_delay_ms: settings.fanoutTokenDelayMs } },
        streamMode: ["values", "messages-tuple"],
        onRunCreated: ({ run_id }) => created(run_id),
      })) {
        if (part.event === "error") throw new Error(`the fan-out run failed: ${JSON.stringify(part.data)}`);
        events++;
        originLastEvent = clock();
      }
      originEnd = clock();
      this.countRun();
      return events;
    })();
    const endedFirst = origin.then(() => Promise.reject(new Error("the fan-out run ended before the SDK reported its id")));
    // it rejects whenever the run ends: only the race below may care
    endedFirst.catch(() => {});
    const runId = await Promise.race([runIdKnown, endedFirst]);
    const subscribers = (await Promise.all(workers.map((w) => w.join(threadId, runId)))).flat();
    const originEvents = await origin;
    return {
      lastEventAfterOrigin: Math.max(...subscribers.map((s) => s.lastAt)) - originLastEvent,
      lastDoneAfterOrigin: Math.max(...subscribers.map((s) => s.endAt)) - originEnd,
      subscriberFirstEventP50: p50(subscribers.map((s) => s.firstAt - s.joinedAt)),
      joinedWhileRunning: subscribers.filter((s) => s.firstAt < originEnd).length,
      complete: subscribers.filter((s) => s.events === originEvents).length,
    };
  }

  /**
   * Joins, one at a time, to a run that is streaming (its first token made, the
   * model slowed as for the fan-out): each join asks for the whole run ("-1"),
   * waits for its first graph event and leaves. Median ms from join to that event.
   */
  private async lateJoins(): Promise<number> {
    const { threadId } = await this.newThread();
    let streaming: (runId: string) => void = () => {};
    const running = new Promise<string>((resolve) => (streaming = resolve));
    let runId = "";
    const origin = (async () => {
      for await (const part of this.client.runs.stream(threadId, this.assistantId, {
        input: INPUT,
        config: { configurable: { token_delay_ms: settings.fanoutTokenDelayMs } },
        streamMode: ["values", "messages-tuple"],
        onRunCreated: ({ run_id }) => (runId = run_id),
      })) {
        if (part.event === "error") throw new Error(`the late-join run failed: ${JSON.stringify(part.data)}`);
        if (part.event.startsWith("messages")) streaming(runId);
      }
      this.countRun();
    })();
    origin.catch(() => {});
    const id = await Promise.race([running, origin.then(() => Promise.reject(new Error("the late-join run ended before it streamed")))]);
    const times = await sequential(settings.lateJoins, async () => {
      const leave = new AbortController();
      const t0 = now();
      let first = Number.NaN;
      for await (const part of this.client.runs.joinStream(threadId, id, { lastEventId: "-1", signal: leave.signal })) {
        if (part.event !== "metadata") {
          first = now() - t0;
          break;
        }
      }
      leave.abort();
      return first;
    });
    await origin;
    return p50(times);
  }

  async trivial(): Promise<number[]> {
    return sequential(settings.trivialRequests, async () => {
      const t0 = now();
      await this.client.assistants.get(this.assistantId);
      return now() - t0;
    });
  }

  /** The floor for `trivial`: the same SDK call, answered at once with the same body by a bare HTTP server here. */
  async trivialFloor(apiKey: string): Promise<number[]> {
    const body = JSON.stringify(await this.client.assistants.get(this.assistantId));
    const bare = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
    try {
      const floor = sdkClient(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`, apiKey);
      const times: number[] = [];
      for (let i = 0; i < settings.warmupRuns + settings.trivialRequests; i++) {
        const t0 = now();
        await floor.assistants.get(this.assistantId);
        if (i >= settings.warmupRuns) times.push(now() - t0);
      }
      return times;
    } finally {
      bare.closeAllConnections();
      await new Promise<void>((resolve) => bare.close(() => resolve()));
    }
  }
}

/**
 * Every measure on one server: warm-up, idle memory, 30 sequential runs, 120 at 8
 * in flight, the fan-out run, trivial requests, then (when `memoryRuns` > 0) more
 * runs at 8 in flight until `memoryRuns` in all, for the memory readings.
 */
export async function benchServer(apiUrl: string, apiKey: string, pid: number, memoryRuns: number): Promise<ServerResults> {
  const bench = new ServerBench(sdkClient(apiUrl, apiKey), pid, apiUrl, apiKey);
  await bench.init();
  for (let i = 0; i < settings.warmupRuns; i++) await bench.streamRun((await bench.newThread()).threadId);
  await bench.trivial();
  await sleep(2000);
  const idle = residentMb(pid);
  const peak = new PeakMemory(pid);
  try {
    log(`${settings.sequentialRuns} sequential runs`);
    const threadTimes: number[] = [];
    const timings = await sequential(settings.sequentialRuns, async () => {
      const { threadId, ms } = await bench.newThread();
      threadTimes.push(ms);
      return bench.streamRun(threadId);
    });
    log(`${settings.parallelRuns} runs at ${settings.inFlight} in flight`);
    // threads made beforehand: runs/s counts runs, not thread creation
    const threads = await sequential(settings.parallelRuns, () => bench.newThread());
    threadTimes.push(...threads.map((t) => t.ms));
    const runsPerSecond = await throughput(settings.parallelRuns, settings.inFlight, async (i) => {
      await bench.streamRun(threads[i]!.threadId);
    });
    log(`${settings.fanoutRounds} runs with ${settings.subscribers} joined subscribers each`);
    const fanout = await bench.fanout();
    log(`${settings.trivialRequests} trivial requests`);
    const trivial = await bench.trivial();
    const trivialFloor = await bench.trivialFloor(apiKey);

    let afterRuns = Number.NaN;
    let afterRunsSettled = Number.NaN;
    if (memoryRuns > bench.runsDone) {
      const remaining = memoryRuns - bench.runsDone;
      log(`${remaining} more runs at ${settings.inFlight} in flight, for memory (${memoryRuns} in all)`);
      await throughput(remaining, settings.inFlight, async () => {
        await bench.streamRun((await bench.newThread()).threadId);
        if (bench.runsDone % 500 === 0) log(`${bench.runsDone} runs, ${residentMb(pid).toFixed(0)} MB`);
      });
      afterRuns = residentMb(pid);
    }
    peak.stop();
    if (!Number.isNaN(afterRuns)) {
      await sleep(settings.settleMs);
      afterRunsSettled = residentMb(pid);
    }
    return {
      firstEventP50: p50(timings.map((t) => t.firstEvent)),
      totalP50: p50(timings.map((t) => t.total)),
      metadataP50: p50(timings.map((t) => t.metadata)),
      runsPerSecond,
      fanout,
      trivialP50: p50(trivial),
      trivialFloorP50: p50(trivialFloor),
      threadCreateP50: p50(threadTimes),
      memory: {
        idle,
        after100: bench.after100,
        peak: peak.peak,
        runs: Number.isNaN(afterRuns) ? 0 : bench.runsDone,
        afterRuns,
        afterRunsSettled,
      },
    };
  } finally {
    peak.stop();
  }
}

type FanoutRound = Omit<FanoutResults, "lateJoinFirstEventP50">;

/** A worker thread of fan-out subscribers: `join` has them all join a run and resolves with their readings. */
interface SubscriberWorker {
  join(threadId: string, runId: string): Promise<SubscriberReading[]>;
  close(): Promise<void>;
}

/** A worker thread with `count` fan-out subscribers, once it has loaded the SDK and warmed it up on `warmUpRun`. */
async function subscriberWorker(
  apiUrl: string,
  apiKey: string,
  count: number,
  warmUpRun: { threadId: string; runId: string },
): Promise<SubscriberWorker> {
  // a worker starts without the TypeScript loader the bench runs under: it registers tsx first
  const bootstrap = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL("./fanout-worker.ts", import.meta.url).href)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { apiUrl, apiKey, count } });
  const ask = async (message?: object): Promise<SubscriberReading[] | undefined> => {
    const answer = new Promise<{ ready?: true; readings?: SubscriberReading[]; error?: string }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    if (message) worker.postMessage(message);
    const { readings, error } = await answer;
    if (error) throw new Error(`a fan-out subscriber failed: ${error}`);
    return readings;
  };
  await ask();
  // its subscribers' code JIT-compiled as the main thread's is: joins of a finished run, replayed
  await ask({ ...warmUpRun, warmUp: settings.warmupRuns });
  return {
    join: async (threadId, runId) => (await ask({ threadId, runId }))!,
    close: async () => {
      await worker.terminate();
    },
  };
}
