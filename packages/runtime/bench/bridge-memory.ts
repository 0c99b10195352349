// Does the in-process stream bridge give memory back once runs are served?
//   node --expose-gc --import tsx bench/bridge-memory.ts
// Serves rounds of 1,000 runs (50 events each, two subscribers reading every run to
// its end), lets the finished-run retention window pass, collects garbage and prints
// the heap: it should come back to the baseline after every round, not grow with them.
import { setTimeout as wait } from "node:timers/promises";
import { MemoryStreamBridge, type BridgeItem } from "../src/bridge/index.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50);
const RETENTION_MS = 50;

const gc = globalThis.gc;
if (!gc) {
  console.error("run with node --expose-gc --import tsx bench/bridge-memory.ts");
  process.exit(1);
}

function heapMb(): string {
  gc!();
  return `${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MB`;
}

async function count(items: AsyncIterable<BridgeItem>): Promise<number> {
  let n = 0;
  for await (const _ of items) n++;
  return n;
}

const bridge = new MemoryStreamBridge({ finishedRetentionMs: RETENTION_MS });
console.log(`baseline: ${heapMb()}`);
for (let round = 1; round <= ROUNDS; round++) {
  const reads: Promise<number>[] = [];
  for (let run = 0; run < RUNS; run++) {
    const runId = `round-${round}-run-${run}`;
    bridge.open(runId);
    reads.push(count(bridge.subscribe(runId)), count(bridge.subscribe(runId)));
    for (let i = 0; i < EVENTS; i++) bridge.publish(runId, "messages", { token: `t${i}`, pad: "x".repeat(64) });
    bridge.end(runId, "success");
  }
  const read = (await Promise.all(reads)).reduce((a, b) => a + b, 0);
  const held = bridge.stats();
  const heapHeld = heapMb();
  await wait(RETENTION_MS * 2); // every log's free timer, set before this, fires first
  console.log(
    `round ${round}: ${read} items read; held ${held.runs} runs / ${held.events} events: ${heapHeld}; ` +
      `after the retention window: ${JSON.stringify(bridge.stats())}, ${heapMb()}`,
  );
}
