/**
 * Graph reload against the real server process, as an operator meets it: on
 * SIGHUP (production has no file watcher), through the admin REST call and the
 * admin tRPC procedure. A broken edit keeps the previous version serving and is
 * reported in the log and /api/health with its file and message; the fix recovers.
 * Every run records the version it executed, as the run page shows it.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../../packages/api/test/support/test-server.ts";
import { BROKEN_HELPER, helper, makeReloadProject, type ReloadProject } from "../../../packages/runtime/test/fixtures/reload-project.ts";
import type { Health } from "../src/server/health.ts";

const HAS_BUILD = existsSync(path.join(import.meta.dirname, "..", ".next", "BUILD_ID"));

let server: TestServer;
let project: ReloadProject;
let admin: Client;

beforeAll(async () => {
  project = makeReloadProject();
  server = await startTestServer({ env: { LANGGRAPH_CONFIG: project.config } });
  admin = new Client({ apiUrl: `${server.url}/api/langgraph`, apiKey: ADMIN_KEY });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  project?.remove();
});

const health = async (): Promise<Health> => (await fetch(`${server.url}/api/health`)).json() as Promise<Health>;
const versionOf = async () => (await health()).graphs.versions.find((v) => v.graphId === "echo")?.hash;
/** A run of the echo graph through the SDK: what it said, and the version its row recorded. */
async function runEcho(): Promise<{ said: string; graphVersion: string | null }> {
  const thread = await admin.threads.create();
  const run = await admin.runs.create(thread.thread_id, "echo", { input: {} });
  await admin.runs.join(thread.thread_id, run.run_id);
  const state = await admin.threads.getState<{ said: string }>(thread.thread_id);
  const row = await server.admin.runs.get.query({ runId: run.run_id });
  return { said: state.values.said, graphVersion: row.graphVersion };
}
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server output:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it.skipIf(!HAS_BUILD)(
  "in production, SIGHUP reloads an edited graph (no file watcher); runs record the version they executed",
  async () => {
    expect(server.output()).not.toMatch(/watching \d+ files/);
    const first = await versionOf();
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(await runEcho()).toEqual({ said: "one", graphVersion: first });

    project.write("helper.ts", helper("two"));
    // no watcher in production: the edit waits for the reload signal
    await new Promise((r) => setTimeout(r, 500));
    expect(await versionOf()).toBe(first);

    server.signal("SIGHUP");
    const second = await until(versionOf, (v) => v !== first, "a new version after SIGHUP");
    expect(server.output()).toMatch(/graphs reloaded \(signal\): updated echo@/);
    expect(await runEcho()).toEqual({ said: "two", graphVersion: second });
  },
);

it("a broken edit keeps the previous version serving and is reported (answer, log, health); the fixed edit recovers", async () => {
  const serving = await versionOf();
  project.write("helper.ts", BROKEN_HELPER);
  const res = await fetch(`${server.url}/api/langgraph/admin/graphs/reload`, { method: "POST", headers: { "x-api-key": ADMIN_KEY } });
  expect(res.status).toBe(200);
  const answer = (await res.json()) as { failed: { graph_id: string; file: string; error: string; serving: string | null }[] };
  const file = path.join(project.dir, "graph.ts");
  expect(answer.failed).toEqual([{ graph_id: "echo", file, error: expect.any(String), serving }]);
  expect((await health()).graphs.failed).toEqual([{ graphId: "echo", file, error: answer.failed[0]!.error, serving }]);
  expect(server.output()).toContain(`graph echo failed to reload from ${file}`);
  expect((await runEcho()).graphVersion).toBe(serving);

  project.write("helper.ts", helper("fixed"));
  const fixed = await server.admin.graphs.reload.mutate();
  expect(fixed.failed).toEqual([]);
  expect(fixed.updated.map((v) => v.graphId)).toEqual(["echo"]);
  expect((await health()).graphs.failed).toEqual([]);
  expect(await runEcho()).toEqual({ said: "fixed", graphVersion: fixed.updated[0]!.hash });
});
