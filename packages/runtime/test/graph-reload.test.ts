import { randomUUID } from "node:crypto";
import { mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import type { RedisConnection } from "../src/fleet/redis.ts";
import { connectTest, dropKeys, testPrefix } from "./redis-helpers.ts";
import { createRuntime, GraphRegistry, GraphWatcher, NotFoundError, type Runtime } from "../src/index.ts";
import { BROKEN_HELPER, helper, makeReloadProject, RELOAD_CONFIG, type ReloadProject } from "./fixtures/reload-project.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(options: { light?: boolean } = {}): ReloadProject {
  const p = makeReloadProject(options);
  dirs.push(p.dir);
  return p;
}

const said = async (registry: GraphRegistry) => {
  const graph = await registry.compile("echo", { checkpointer: undefined as never, store: undefined as never });
  return ((await graph.invoke({})) as { said: string }).said;
};

describe("graph reload", () => {
  it("loads edits of a helper a graph imports; a broken edit keeps the previous version serving and is reported; a fix recovers", async () => {
    const p = project({ light: true });
    const registry = await GraphRegistry.load(p.config);
    expect(await said(registry)).toBe("one");
    const first = registry.version("echo")!;
    expect(first.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(registry.watchedFiles()).toEqual(
      expect.arrayContaining([p.config, path.join(p.dir, "graph.ts"), path.join(p.dir, "helper.ts")]),
    );

    p.write("helper.ts", BROKEN_HELPER);
    const broken = await registry.reload();
    expect(broken.failed).toEqual([
      {
        graphId: "echo",
        file: path.join(p.dir, "graph.ts"),
        error: expect.stringMatching(/helper|Expected|Unexpected/),
        serving: first.hash,
      },
    ]);
    expect(registry.failures()).toEqual(broken.failed);
    expect(registry.ids()).toEqual(["echo"]);
    expect(registry.version("echo")).toEqual(first);
    expect(await said(registry)).toBe("one");

    // langgraph.json itself broken: nothing changes, the error is kept until a reload reads it again
    p.write("langgraph.json", "{ nope");
    expect((await registry.reload()).configError).toMatch(/not valid JSON/);
    expect(registry.configError()).toMatch(/not valid JSON/);
    expect(await said(registry)).toBe("one");

    p.write("langgraph.json", RELOAD_CONFIG);
    p.write("helper.ts", helper("two"));
    const fixed = await registry.reload();
    expect(fixed).toMatchObject({ failed: [], removed: [], configError: null });
    expect(fixed.updated.map((v) => v.graphId)).toEqual(["echo"]);
    expect(registry.failures()).toEqual([]);
    expect(registry.configError()).toBeNull();
    expect(await said(registry)).toBe("two");
    const second = registry.version("echo")!;
    expect(second.hash).not.toBe(first.hash);

    // a new graph id is added, a removed one dropped; an unchanged graph keeps its version
    p.write("langgraph.json", JSON.stringify({ graphs: { echo2: "./graph.ts:graph" } }));
    const renamed = await registry.reload();
    expect(renamed.removed).toEqual(["echo"]);
    expect(renamed.updated.map((v) => v.graphId)).toEqual(["echo2"]);
    expect(registry.ids()).toEqual(["echo2"]);
    p.write("langgraph.json", JSON.stringify({ graphs: { echo2: "./graph.ts:graph", echo: "./graph.ts:graph" } }));
    const both = await registry.reload();
    expect(both.updated.map((v) => v.graphId)).toEqual(["echo"]);
    expect(registry.version("echo2")).toEqual(renamed.updated[0]);
  });
});

describe("graph watcher (npm run dev)", () => {
  it("calls once per burst of edits to a watched file, including a save that renames a new file over it, and ignores other files", async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "lgrs-watch-")));
    dirs.push(dir);
    const file = path.join(dir, "graph.ts");
    writeFileSync(file, "1");
    writeFileSync(path.join(dir, "other.ts"), "1");
    let calls = 0;
    const watcher = new GraphWatcher(() => calls++, 100);
    watcher.set([file]);
    const settle = () => new Promise((r) => setTimeout(r, 400));
    try {
      writeFileSync(path.join(dir, "other.ts"), "2");
      await settle();
      expect(calls).toBe(0);
      for (const text of ["2", "3", "4"]) writeFileSync(file, text);
      await settle();
      expect(calls).toBe(1);
      writeFileSync(path.join(dir, ".graph.ts.swp"), "5");
      renameSync(path.join(dir, ".graph.ts.swp"), file);
      await settle();
      expect(calls).toBe(2);
    } finally {
      watcher.close();
    }
  });
});

describe.each(testTargets)("graph reload with runs on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let runtime: Runtime;
  let registry: GraphRegistry;
  let p: ReloadProject;
  let owner: string;

  beforeAll(async () => {
    p = project();
    rmSync(path.join(p.dir, "release"));
    registry = await GraphRegistry.load(p.config);
    runtime = createRuntime({ db: database(), graphs: registry, concurrency: 2 });
    await runtime.start();
    owner = (await repositories(database()).users.createUser({ email: `r-${randomUUID()}@x.dev`, name: "owner" })).id;
  });
  afterAll(() => runtime.shutdown(1000));

  const actor = () => ({ userId: owner, scope: { ownerId: owner } });
  const start = () => runtime.runs.create(actor(), { threadId: randomUUID(), assistantId: "echo", ifNotExists: "create", input: {} });
  async function untilRunning(runId: string): Promise<void> {
    for await (const item of (await runtime.runs.stream(actor(), runId)).items) if (item.type === "event") return;
    throw new Error(`run ${runId} ended before it started`);
  }
  const saidBy = async (run: { threadId: string }) => (await runtime.threads.state(actor(), run.threadId)).values as { said?: string };

  it("a run executing during a reload ends on the code it started with; the next run uses the new code; each records its version", async () => {
    const old = await start();
    await untilRunning(old.id);
    const oldVersion = registry.version("echo")!;

    p.write("helper.ts", helper("new"));
    // only an admin may reload: to anyone else there is nothing to call
    await expect(runtime.graphs.reload(actor())).rejects.toThrow(NotFoundError);
    expect(registry.version("echo")).toEqual(oldVersion);
    expect((await runtime.graphs.reload({ userId: owner, scope: { all: true } })).updated.map((v) => v.graphId)).toEqual(["echo"]);
    const newVersion = registry.version("echo")!;
    expect(newVersion.hash).not.toBe(oldVersion.hash);

    p.write("release", "");
    const ended = await runtime.runs.join(actor(), old.id);
    expect(ended.error).toBeNull();
    expect(ended.status).toBe("success");
    expect(await saidBy(ended)).toEqual({ said: "one" });
    expect(ended).toMatchObject({ graphVersion: oldVersion.hash, graphLoadedAt: oldVersion.loadedAt });

    const next = await runtime.runs.join(actor(), (await start()).id);
    expect(await saidBy(next)).toEqual({ said: "new" });
    expect(next).toMatchObject({ graphVersion: newVersion.hash, graphLoadedAt: newVersion.loadedAt });
  });
});

describe.each(testTargets.filter((t) => t.provider === "postgresql"))("graph reload in a fleet on $provider", (target) => {
  const database = useMigratedDatabase(target);
  const prefix = testPrefix();
  const connections: RedisConnection[] = [];
  const members: { runtime: Runtime; registry: GraphRegistry }[] = [];
  let p: ReloadProject;

  beforeAll(async () => {
    p = project({ light: true });
    for (const worker of [true, false]) {
      const redis = await connectTest(prefix);
      connections.push(redis);
      const registry = await GraphRegistry.load(p.config);
      const runtime = createRuntime({ db: database(), graphs: registry, fleet: { redis, worker } });
      await runtime.start();
      members.push({ runtime, registry });
    }
  });
  afterAll(async () => {
    for (const m of members) await m.runtime.shutdown(1000);
    if (connections[0]) await dropKeys(connections[0]);
    for (const c of connections) await c.close();
  });

  it("an admin's reload on one member reaches every member, and each reports the version it serves in its health", async () => {
    const [a, b] = members as [(typeof members)[0], (typeof members)[0]];
    const before = (await b.runtime.health()).graphs.versions[0]!.hash;
    p.write("helper.ts", helper("fleet"));
    const result = await a.runtime.graphs.reload({ userId: "admin", scope: { all: true } });
    const hash = result.updated[0]!.hash;
    expect(hash).not.toBe(before);
    const deadline = Date.now() + 20_000;
    while ((await b.runtime.health()).graphs.versions[0]?.hash !== hash && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    for (const m of members)
      expect((await m.runtime.health()).graphs.versions).toEqual([expect.objectContaining({ graphId: "echo", hash })]);
    expect(await said(b.registry)).toBe("fleet");
  });
});
