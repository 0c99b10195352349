// The schema reader's worker thread (see source-schemas.ts): the TypeScript compiler
// runs here, off the server's event loop. Plain JavaScript so a worker can start it
// without a loader; it loads the TypeScript reader through tsx, as graphs are loaded.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

const tsx = register({ namespace: "lgrs-source-schemas" });
const { readSourceSchemas } = await tsx.import("./source-read.ts", import.meta.url);

parentPort.on("message", async ({ id, spec }) => {
  try {
    parentPort.postMessage({ id, result: await readSourceSchemas(spec) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err instanceof Error ? err.message : err) });
  }
});
