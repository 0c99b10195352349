/**
 * How far V8 lets the JavaScript heap grow past what survived the last full
 * collection before it collects again: by half, where V8 would otherwise choose
 * up to four times on a machine with plenty of memory. Imported first by
 * server.ts and worker.ts.
 *
 * Why: the server's live heap is about 200 MB (Next.js, LangChain, Prisma) and
 * barely moves with load, but every run leaves garbage. With V8's own factor the
 * heap grew to 700 MB and more between full collections, and V8 keeps those pages
 * once the load is over: 1 GB resident after 2,000 runs of the bench, the same
 * after a quiet spell. With 1.5x it stays near 270 MB under the same load, for a
 * full collection every few seconds, marked concurrently with the server's work.
 *
 * V8 reads the flag at every collection, so setting it here acts as if it were
 * given on the command line; here, because every way of starting the server
 * (npm start and dev, scripts/fleet.mjs, the bench, a container) runs this, and
 * NODE_OPTIONS does not accept V8's heap flags. A `--heap-growing-percent` given
 * to node itself wins.
 */
import { setFlagsFromString } from "node:v8";

const HEAP_GROWING_PERCENT = 50;

if (!process.execArgv.some((arg) => arg.startsWith("--heap-growing-percent") || arg.startsWith("--heap_growing_percent"))) {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
