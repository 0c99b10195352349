import { lstatSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { InMemoryStore, MemorySaver } from "@langchain/langgraph";
import { NotFoundError } from "../src/errors.ts";
import { GraphRegistry, LanggraphConfigError, loadLanggraphConfig, type CompiledGraph } from "../src/registry/index.ts";
import { SourceSchemaReader } from "../src/registry/source-schemas.ts";
import { makeUserProject } from "./fixtures/user-project.ts";

const FIXTURES = path.resolve(import.meta.dirname, "fixtures/user-graphs");
const persistence = () => ({ checkpointer: new MemorySaver(), store: new InMemoryStore() });
const said = async (graph: CompiledGraph, threadId: string) =>
  ((await graph.invoke({}, { configurable: { thread_id: threadId } })) as { said: string }).said;

const temp: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temp.push(dir);
  return dir;
};
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("langgraph.json", () => {
  it("reads graph specs relative to its folder, with the default export when none is named and the { path } form", () => {
    const config = loadLanggraphConfig(path.join(FIXTURES, "langgraph.json"));
    expect(config.path).toBe(path.join(FIXTURES, "langgraph.json"));
    const spec = (id: string) => config.specs.find((s) => s.graphId === id);
    expect(spec("compiled")).toEqual({ graphId: "compiled", file: path.join(FIXTURES, "compiled.ts"), exportName: "graph" });
    expect(spec("default_export")).toEqual({
      graphId: "default_export",
      file: path.join(FIXTURES, "default-export.ts"),
      exportName: "default",
    });
    expect(spec("not_a_graph")).toMatchObject({ file: path.join(FIXTURES, "not-a-graph.ts"), exportName: "settings" });
  });

  it("explains a missing file, a folder, bad JSON, a file without graphs, and bad graph specs", () => {
    const dir = tempDir("lgrs-config-");
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    expect(() => loadLanggraphConfig(path.join(dir, "missing.json"))).toThrow(/missing\.json, which does not exist/);
    expect(() => loadLanggraphConfig(dir)).toThrow(/points to the folder/);
    expect(() => loadLanggraphConfig(write("bad.json", "{ nope"))).toThrow(/bad\.json is not valid JSON/);
    expect(() => loadLanggraphConfig(write("none.json", JSON.stringify({ dependencies: ["."] })))).toThrow(/has no "graphs" object/);
    expect(() => loadLanggraphConfig(write("list.json", JSON.stringify({ graphs: ["./a.ts:graph"] })))).toThrow(/has no "graphs" object/);
    expect(() => loadLanggraphConfig(write("number.json", JSON.stringify({ graphs: { a: 1 } })))).toThrow(/graph "a" must be a string/);
    expect(() => loadLanggraphConfig(write("empty.json", JSON.stringify({ graphs: { a: " " } })))).toThrow(/graph "a" must be a string/);
    expect(() => loadLanggraphConfig(write("colon.json", JSON.stringify({ graphs: { a: "./a.ts:" } })))).toThrow(/names no export/);
    for (const name of ["missing.json", "bad.json", "none.json", "colon.json"]) {
      expect(() => loadLanggraphConfig(path.join(dir, name))).toThrow(LanggraphConfigError);
    }
  });
});

describe("graph registry", () => {
  it("serves the six bundled graphs when no config is given, and describes them", async () => {
    const registry = await GraphRegistry.load();
    expect(registry.failures()).toEqual([]);
    expect(registry.ids()).toEqual(["agent", "slow", "human", "failing", "subgraph", "trivial"]);
    expect(registry.has("agent")).toBe(true);
    const { graph } = await registry.describe("slow");
    expect(graph.nodes.map((n) => n.id)).toEqual(["__start__", "plan", "research", "draft", "review", "publish", "__end__"]);
    expect(graph.edges).toContainEqual(expect.objectContaining({ source: "plan", target: "research" }));
    const xray = await registry.describe("subgraph", { xray: true });
    expect(xray.graph.nodes.map((n) => n.id)).toContain("research:gather");
    const trivial = await registry.compile("trivial", persistence());
    expect(await trivial.invoke({}, { configurable: { thread_id: "t" } })).toEqual({ count: 1 });
  });

  it("loads TS and JS files, compiled graphs, StateGraphs, functions, promises and default exports; reports the broken ones", async () => {
    const registry = await GraphRegistry.load(path.join(FIXTURES, "langgraph.json"));
    expect(registry.ids()).toEqual(["compiled", "plain_js", "builder", "factory", "awaited", "default_export"]);
    const failure = (file: string, error: RegExp) => ({
      graphId: expect.any(String),
      file: path.join(FIXTURES, file),
      error: expect.stringMatching(error),
    });
    expect(registry.failures()).toEqual([
      { ...failure("broken.ts", /^this graph file is broken on purpose$/), graphId: "broken" },
      { ...failure("broken-syntax.js", /^SyntaxError: Unexpected token/), graphId: "broken_syntax" },
      { ...failure("compiled.ts", /no export named "nope"/), graphId: "no_such_export" },
      { ...failure("not-a-graph.ts", /export "settings" is neither a compiled graph/), graphId: "not_a_graph" },
      { ...failure("missing.ts", /^the file does not exist$/), graphId: "missing_file" },
    ]);
    for (const [id, word] of [
      ["compiled", "compiled"],
      ["plain_js", "plain js"],
      ["builder", "builder"],
      ["awaited", "awaited"],
      ["default_export", "default"],
    ]) {
      expect(await said(await registry.compile(id!, persistence()), id!)).toBe(word);
    }
    expect(await said(await registry.compile("factory", persistence()), "f1")).toBe("factory");
    const perRun = await registry.compile("factory", { ...persistence(), config: { configurable: { word: "made per run" } } });
    expect(await said(perRun, "f2")).toBe("made per run");
    await expect(registry.compile("factory", { ...persistence(), config: { configurable: { word: "throw" } } })).rejects.toThrow(
      `graph "factory" (${path.join(FIXTURES, "factory.ts")}): no graph for that word`,
    );
  });

  it("gives every caller its own copy of a compiled export, with our checkpointer and store", async () => {
    const registry = await GraphRegistry.load(path.join(FIXTURES, "langgraph.json"));
    const first = persistence();
    const a = await registry.compile("compiled", first);
    const b = await registry.compile("compiled", persistence());
    expect(a.checkpointer).toBe(first.checkpointer);
    expect(a.store).toBe(first.store);
    expect(b).not.toBe(a);
    expect(b.checkpointer).not.toBe(first.checkpointer);
    await said(a, "kept");
    expect((await a.getState({ configurable: { thread_id: "kept" } })).values).toEqual({ said: "compiled" });
    expect((await first.checkpointer.getTuple({ configurable: { thread_id: "kept" } }))?.checkpoint.channel_values).toMatchObject({
      said: "compiled",
    });
  });

  it("describes JSON schemas: exactly where the state declares them (StateSchema, zod), from the channels for Annotation states", async () => {
    const registry = await GraphRegistry.load(path.join(FIXTURES, "langgraph.json"));
    const { schemas } = await registry.describe("compiled");
    expect(schemas.input).toMatchObject({ type: "object", properties: { said: expect.objectContaining({ type: "string" }) } });
    expect(schemas.state).toMatchObject({ properties: { said: expect.objectContaining({ type: "string" }) } });
    const annotation = (await registry.describe("builder")).schemas;
    expect(annotation.state).toMatchObject({ type: "object", properties: { said: {} } });
    expect(annotation.input).toMatchObject({ type: "object", properties: { said: {} } });
    expect(annotation.config).toBeUndefined();
  });

  it("reads Annotation field types from the source for a schemas request: StateGraphs, factories, promises", async () => {
    const registry = await GraphRegistry.load(path.join(FIXTURES, "langgraph.json"));
    for (const id of ["builder", "factory", "awaited", "compiled"]) {
      const { schemas } = await registry.describe(id, { sourceTypes: true });
      expect(schemas.state, id).toMatchObject({ type: "object", properties: { said: { type: "string" } } });
      expect(schemas.input, id).toMatchObject({ properties: { said: { type: "string" } } });
      expect(schemas.output, id).toMatchObject({ properties: { said: { type: "string" } } });
      expect(schemas.config, id).toBeUndefined();
    }
    // a drawing does not read the source
    expect((await registry.describe("builder")).schemas.state).toMatchObject({ properties: { said: {} } });
  });

  it("types an Annotation state's fields without defaults and gives an Annotation context its schema", async () => {
    const dir = tempDir("lgrs-source-types-");
    const file = path.resolve(import.meta.dirname, "../../graphs/src/state-kinds/annotation.ts");
    writeFileSync(path.join(dir, "langgraph.json"), JSON.stringify({ graphs: { annotation: `${file}:graph` } }));
    const registry = await GraphRegistry.load(path.join(dir, "langgraph.json"));
    const { schemas } = await registry.describe("annotation", { sourceTypes: true });
    const state = schemas.state?.properties as Record<string, unknown>;
    expect(state).toEqual({
      topic: { type: "string" },
      count: { type: "number" },
      notes: { type: "array" }, // told by its default: the channels' answer stays
      done: { type: "boolean" },
      greeting: { type: "string" },
      tone: { type: "string", enum: ["plain", "warm"] },
      tags: { type: "array", items: { type: "string" } },
      source: { type: "object", properties: { url: { type: "string" }, pages: { type: "number" } }, required: ["url"] },
    });
    // a list with a concat reducer: the channels cannot tell what an update takes, the source can
    expect(schemas.input?.properties).toMatchObject({ notes: { type: "array", items: { type: "string" } }, topic: { type: "string" } });
    expect(schemas.output?.properties).toEqual(state);
    expect(schemas.config).toMatchObject({
      type: "object",
      properties: { model: { type: "string", enum: ["small", "large"] }, temperature: { type: "number" }, verbose: { type: "boolean" } },
      required: ["model", "temperature"],
    });
  });

  it("falls back to the channels when a graph's source cannot be read, and says so once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const reader = new SourceSchemaReader([{ graphId: "gone", file: path.join(FIXTURES, "missing.ts"), exportName: "graph" }]);
      expect(await reader.schemasOf("gone")).toBeUndefined();
      expect(await reader.schemasOf("gone")).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/gone \(missing\.ts\).*channels only/);
    } finally {
      warn.mockRestore();
    }
  });

  it("refuses unknown and failed graphs with a not-found error that says why", async () => {
    const registry = await GraphRegistry.load(path.join(FIXTURES, "langgraph.json"));
    expect(registry.has("broken")).toBe(false);
    await expect(registry.compile("nope", persistence())).rejects.toThrow(NotFoundError);
    await expect(registry.describe("broken")).rejects.toThrow(
      /graph "broken" failed to load from .*broken\.ts: this graph file is broken on purpose/,
    );
  });
});

describe("a user's graphs folder with its own node_modules", () => {
  it("loads a graph built with the user's own physical copy of @langchain/langgraph and runs it on our checkpointer", async () => {
    const dir = makeUserProject({
      "agent.ts": `import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({ ...MessagesAnnotation.spec, langgraph: Annotation<string>() });
export const graph = new StateGraph(State)
  .addNode("reply", (s) => ({
    messages: [new AIMessage(\`reply to \${s.messages.length} message(s)\`)],
    langgraph: import.meta.resolve("@langchain/langgraph"),
  }))
  .addEdge(START, "reply")
  .addEdge("reply", END)
  .compile();
`,
      "langgraph.json": JSON.stringify({ graphs: { mine: "./agent.ts:graph" } }),
    });
    temp.push(dir);
    expect(lstatSync(path.join(dir, "node_modules/@langchain/langgraph")).isSymbolicLink()).toBe(false);

    const registry = await GraphRegistry.load(path.join(dir, "langgraph.json"));
    expect(registry.failures()).toEqual([]);
    const checkpointer = new MemorySaver();
    const graph = await registry.compile("mine", { checkpointer, store: new InMemoryStore() });
    const config = { configurable: { thread_id: "user" } };
    const first = (await graph.invoke({ messages: [{ role: "user", content: "hi" }] }, config)) as { langgraph: string };
    // the graph ran on the user's copy of LangGraph, not on ours
    expect(fileURLToPath(first.langgraph)).toContain(`${dir}/node_modules/@langchain/langgraph/`);

    // the conversation is in our checkpointer, and the next run continues it
    const second = (await graph.invoke({ messages: [{ role: "user", content: "again" }] }, config)) as { messages: { content: string }[] };
    expect(second.messages.map((m) => m.content)).toEqual(["hi", "reply to 1 message(s)", "again", "reply to 3 message(s)"]);
    const saved = await checkpointer.getTuple(config);
    expect(saved?.checkpoint.channel_values.messages).toHaveLength(4);
    let checkpoints = 0;
    for await (const _ of checkpointer.list(config)) checkpoints++;
    expect(checkpoints).toBeGreaterThanOrEqual(6);
  });
});
