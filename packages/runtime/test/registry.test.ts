import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { MemorySaver, InMemoryStore, StateGraph } from "@langchain/langgraph";
import { tsImport } from "tsx/esm/api";
import { PrismaCheckpointSaver } from "@lgrs/db";
import { GraphRegistry, LanggraphConfigError, loadLanggraphConfig } from "../src/registry/index.ts";
import { testTargets } from "../../db/test/databases.ts";
import { useMigratedDatabase } from "../../db/test/setup-database.ts";

const FIXTURES = path.resolve(import.meta.dirname, "fixtures/user-graphs");
const persistence = () => ({ checkpointer: new MemorySaver(), store: new InMemoryStore() });
const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("langgraph.json", () => {
  it("reads graph specs relative to the file, with the default export when none is named", () => {
    const config = loadLanggraphConfig(path.join(FIXTURES, "langgraph.json"));
    expect(config.specs.find((s) => s.graphId === "compiled")).toEqual({ graphId: "compiled", file: path.join(FIXTURES, "compiled.ts"), exportName: "graph" });
    expect(config.specs.find((s) => s.graphId === "default_export")?.exportName).toBe("default");
  });

  it("explains a missing file, bad JSON, and a file without graphs", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lgrs-config-"));
    temp.push(dir);
    writeFileSync(path.join(dir, "bad.json"), "{ nope");
    writeFileSync(path.join(dir, "empty.json"), JSON.stringify({ dependencies: ["."] }));
    expect(() => loadLanggraphConfig(path.join(dir, "missing.json"))).toThrow(/does not exist/);
    expect(() => loadLanggraphConfig(path.join(dir, "bad.json"))).toThrow(/not valid JSON/);
    expect(() => loadLanggraphConfig(path.join(dir, "empty.json"))).toThrow(LanggraphConfigError);
  });
});

describe("graph registry", () => {
  it("serves the six bundled graphs when no config is given", async () => {
    const registry = await GraphRegistry.load();
    expect(registry.failures()).toEqual([]);
    expect(registry.ids().sort()).toEqual(["agent", "failing", "human", "slow", "subgraph", "trivial"]);
    const shape = await registry.describe("slow", persistence());
    expect(shape.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(["__start__", "plan", "publish", "__end__"]));
    expect(shape.edges).toContainEqual(expect.objectContaining({ source: "plan", target: "research" }));
  });

  it("loads TS and JS files, compiled graphs, StateGraphs, functions and default exports; reports the broken ones and serves the rest", async () => {
    const registry = await GraphRegistry.load(path.join(FIXTURES, "langgraph.json"));
    expect(registry.ids().sort()).toEqual(["builder", "compiled", "default_export", "factory", "plain_js"]);
    const failures = registry.failures().sort((a, b) => a.graphId.localeCompare(b.graphId));
    expect(failures).toEqual([
      { graphId: "broken", file: path.join(FIXTURES, "broken.ts"), error: expect.stringContaining("broken on purpose") },
      { graphId: "no_such_export", file: path.join(FIXTURES, "compiled.ts"), error: expect.stringContaining('no export named "nope"') },
    ]);
    for (const [id, said] of [["compiled", "compiled"], ["plain_js", "plain js"], ["builder", "builder"], ["default_export", "default"]]) {
      const graph = await registry.compile(id!, persistence());
      const out = (await (graph as unknown as { invoke(i: unknown, c: unknown): Promise<{ said: string }> }).invoke({}, { configurable: { thread_id: id } }));
      expect(out.said).toBe(said);
    }
    const made = await registry.compile("factory", { ...persistence(), config: { configurable: { word: "made per run" } } });
    expect(await (made as unknown as { invoke(i: unknown, c: unknown): Promise<{ said: string }> }).invoke({}, { configurable: { thread_id: "f" } })).toEqual({ said: "made per run" });
  });

  it("never changes the module's own compiled graph when attaching a checkpointer", async () => {
    const registry = await GraphRegistry.load(path.join(FIXTURES, "langgraph.json"));
    const module = (await tsImport(pathToFileURL(path.join(FIXTURES, "compiled.ts")).href, import.meta.url)) as { graph: { checkpointer?: unknown } };
    const saver = new MemorySaver();
    const copy = await registry.compile("compiled", { checkpointer: saver, store: new InMemoryStore() });
    expect(copy.checkpointer).toBe(saver);
    expect(module.graph.checkpointer).not.toBe(saver);
  });
});

/**
 * A user's graphs folder with its own package.json and its own physical copy of
 * @langchain/langgraph (and of its checkpoint library); the other dependencies are
 * linked to the ones installed here, as a separate install would provide them.
 */
function makeUserProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "lgrs-user-project-"));
  temp.push(dir);
  const require = createRequire(import.meta.url);
  const ours = realpathSync(path.dirname(require.resolve("@langchain/langgraph/package.json")));
  const siblings = path.resolve(ours, "../.."); // pnpm keeps a package's dependencies beside it
  const modules = path.join(dir, "node_modules");
  mkdirSync(path.join(modules, "@langchain"), { recursive: true });
  cpSync(ours, path.join(modules, "@langchain/langgraph"), { recursive: true, dereference: true });
  cpSync(realpathSync(path.join(siblings, "@langchain/langgraph-checkpoint")), path.join(modules, "@langchain/langgraph-checkpoint"), { recursive: true, dereference: true });
  for (const dep of ["@langchain/core", "@langchain/langgraph-sdk", "@langchain/protocol", "@standard-schema", "zod", "uuid"]) {
    const target = path.join(siblings, dep);
    try {
      symlinkSync(realpathSync(target), path.join(modules, dep), "dir");
    } catch {
      // not every version depends on every one of these
    }
  }
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "my-agents", type: "module", dependencies: { "@langchain/langgraph": "*" } }));
  writeFileSync(
    path.join(dir, "agent.ts"),
    `import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
export { StateGraph as TheirStateGraph } from "@langchain/langgraph";
const State = Annotation.Root({ turns: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
export const graph = new StateGraph(State).addNode("turn", () => ({ turns: 1 })).addEdge(START, "turn").addEdge("turn", END).compile();
`,
  );
  writeFileSync(path.join(dir, "langgraph.json"), JSON.stringify({ graphs: { mine: "./agent.ts:graph" } }));
  return dir;
}

describe.each(testTargets.slice(0, 1))("a user's own graphs folder ($provider)", (target) => {
  const database = useMigratedDatabase(target);

  it("loads graphs built with the user's own copy of @langchain/langgraph and runs them on our checkpointer", async () => {
    const dir = makeUserProject();
    const theirs = (await tsImport(pathToFileURL(path.join(dir, "agent.ts")).href, import.meta.url)) as { TheirStateGraph: unknown };
    expect(theirs.TheirStateGraph).not.toBe(StateGraph); // really a different copy
    const registry = await GraphRegistry.load(path.join(dir, "langgraph.json"));
    expect(registry.failures()).toEqual([]);
    const checkpointer = new PrismaCheckpointSaver(database().prisma);
    const graph = (await registry.compile("mine", { checkpointer, store: new InMemoryStore() })) as unknown as {
      invoke(i: unknown, c: unknown): Promise<{ turns: number }>;
    };
    const config = { configurable: { thread_id: `user-${Date.now()}` } };
    expect(await graph.invoke({}, config)).toEqual({ turns: 1 });
    expect(await graph.invoke({}, config)).toEqual({ turns: 2 });
    const saved = await checkpointer.getTuple(config);
    expect(saved?.checkpoint.channel_values).toMatchObject({ turns: 2 });
  });
});
