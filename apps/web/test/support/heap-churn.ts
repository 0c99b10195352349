/**
 * Run by heap-growth.test.ts in a process of its own (node --expose-gc --import
 * tsx), with the server's heap policy: a steady live set and a stream of garbage
 * that lives long enough to be promoted, then dies, as each run's objects do in
 * the server under load. Prints the largest heap seen and the live heap after a
 * full collection, as JSON.
 */
import "../../src/server/heap-growth.ts";
import { getHeapStatistics } from "node:v8";

const live = Array.from({ length: 2_000_000 }, (_, i) => ({ i, s: `x${i}` }));
const recent = new Array<unknown>(200_000);
let peak = 0;
for (let i = 0; i < 6_000_000; i++) {
  recent[i % recent.length] = { i, payload: [i, i + 1, i + 2], s: `v${i}` };
  if (i % 10_000 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
}
(globalThis as { gc?: () => void }).gc?.();
console.log(JSON.stringify({ peak, live: getHeapStatistics().used_heap_size, kept: live.length + recent.length }));
