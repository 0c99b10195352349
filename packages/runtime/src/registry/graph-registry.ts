import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";
import type { GraphSource, RunnableGraph } from "../runs/graph-source.ts";
import { loadLanggraphConfig, type GraphSpec } from "./langgraph-config.ts";

/** The graphs served when no LANGGRAPH_CONFIG is given. */
export const BUNDLED_CONFIG = createRequire(import.meta.url).resolve("@lgrs/graphs/langgraph.json");

export interface GraphLoadFailure {
  graphId: string;
  file: string;
  error: string;
}

/** The node/edge shape of a graph, as LangGraph's `/assistants/{id}/graph` returns it. */
export interface GraphShape {
  nodes: { id: string | number; type?: string; data?: unknown }[];
  edges: { source: string; target: string; conditional?: boolean; data?: unknown }[];
}

type CompiledLike = RunnableGraph & {
  withConfig(config: object): CompiledLike;
  getGraphAsync(config?: object): Promise<{ toJSON(): GraphShape }>;
  checkpointer?: unknown;
  store?: unknown;
};

function isCompiled(value: unknown): value is CompiledLike {
  const v = value as Partial<CompiledLike> | null;
  return !!v && typeof v.stream === "function" && typeof v.getState === "function" && typeof v.withConfig === "function";
}

function isBuilder(value: unknown): value is { compile(options: object): CompiledLike } {
  return !!value && typeof (value as { compile?: unknown }).compile === "function";
}

/** Imports one graph file and checks that the named export can become a graph. */
async function importGraph(spec: GraphSpec): Promise<unknown> {
  const module = (await tsImport(pathToFileURL(spec.file).href, import.meta.url)) as Record<string, unknown>;
  // a CommonJS file's exports arrive under `default`
  const value = module[spec.exportName] ?? (module.default as Record<string, unknown> | undefined)?.[spec.exportName];
  if (value === undefined) throw new Error(`the file has no export named "${spec.exportName}"`);
  if (!isCompiled(value) && !isBuilder(value) && typeof value !== "function") {
    throw new Error(`export "${spec.exportName}" is not a graph, a StateGraph or a function returning one`);
  }
  return value;
}

/**
 * The graphs of a langgraph.json, imported at run time through tsx (TypeScript or
 * JavaScript; each file resolves its own node_modules, so a user's folder with its
 * own @langchain/langgraph works). A file that fails to load is recorded, with its
 * graph id, file and error, and the other graphs still serve.
 */
export class GraphRegistry implements GraphSource {
  private constructor(
    private readonly exports: Map<string, { spec: GraphSpec; value: unknown }>,
    private readonly failed: GraphLoadFailure[],
  ) {}

  static async load(configPath: string = BUNDLED_CONFIG): Promise<GraphRegistry> {
    const { specs } = loadLanggraphConfig(configPath);
    const results = await Promise.all(
      specs.map(async (spec) => {
        try {
          return { spec, value: await importGraph(spec) };
        } catch (err) {
          return { spec, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    // in the order of the config file, whatever order the imports finished in
    const loaded = new Map<string, { spec: GraphSpec; value: unknown }>();
    const failed: GraphLoadFailure[] = [];
    for (const r of results) {
      if ("error" in r) failed.push({ graphId: r.spec.graphId, file: r.spec.file, error: r.error! });
      else loaded.set(r.spec.graphId, { spec: r.spec, value: r.value });
    }
    return new GraphRegistry(loaded, failed);
  }

  ids(): string[] {
    return [...this.exports.keys()];
  }

  has(graphId: string): boolean {
    return this.exports.has(graphId);
  }

  failures(): GraphLoadFailure[] {
    return [...this.failed];
  }

  /**
   * A graph ready to run with our checkpointer and store. A compiled export is
   * copied first (`withConfig`), so the module's own instance is never changed;
   * a function export is called with the run's config, as LangGraph does.
   */
  async compile(
    graphId: string,
    options: { checkpointer: BaseCheckpointSaver; store: BaseStore; config?: object },
  ): Promise<CompiledLike> {
    const entry = this.exports.get(graphId);
    if (!entry) throw new Error(`graph ${graphId} is not loaded`);
    let value = entry.value;
    if (!isCompiled(value) && !isBuilder(value) && typeof value === "function") {
      value = await (value as (config: object) => unknown)(options.config ?? { configurable: {} });
    }
    if (isCompiled(value)) {
      const copy = value.withConfig({});
      copy.checkpointer = options.checkpointer;
      copy.store = options.store;
      return copy;
    }
    if (isBuilder(value)) return value.compile({ checkpointer: options.checkpointer, store: options.store });
    throw new Error(`graph ${graphId}: the function in ${entry.spec.file} returned neither a graph nor a StateGraph`);
  }

  /** The graph's nodes and edges. */
  async describe(graphId: string, options: { checkpointer: BaseCheckpointSaver; store: BaseStore }): Promise<GraphShape> {
    const graph = await this.compile(graphId, options);
    return (await graph.getGraphAsync()).toJSON();
  }
}
