import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";
import { NotFoundError } from "../errors.ts";
import type { GraphSource } from "../runs/graph-source.ts";
import { instantiate, isGraphExport, type CompiledGraph, type GraphConfig } from "./graph-exports.ts";
import { createGraphModuleLoader, type GraphModuleLoader } from "./graph-module-loader.ts";
import { schemasOf, type GraphSchemas } from "./graph-schemas.ts";
import { SourceSchemaReader, withSourceTypes } from "./source-schemas.ts";
import { loadLanggraphConfig, type GraphSpec, type LanggraphConfig } from "./langgraph-config.ts";

/** The langgraph.json of the bundled graphs, served when no LANGGRAPH_CONFIG is given. */
export const BUNDLED_CONFIG = createRequire(import.meta.url).resolve("@lgrs/graphs/langgraph.json");

/** A graph of the config that could not be loaded; the other graphs still serve. */
export interface GraphLoadFailure {
  graphId: string;
  file: string;
  error: string;
}

/** A graph's nodes and edges, as LangGraph's `/assistants/{id}/graph` returns them. */
export interface GraphShape {
  nodes: { id: string | number; type?: string; data?: unknown; metadata?: Record<string, unknown> }[];
  edges: { source: string | number; target: string | number; data?: string; conditional?: boolean }[];
}

export interface GraphDescription {
  graph: GraphShape;
  schemas: GraphSchemas;
}

export interface CompileOptions {
  checkpointer: BaseCheckpointSaver;
  store: BaseStore;
  /** given to a graph exported as a function (the run's config) */
  config?: GraphConfig;
}

type LoadResult = { spec: GraphSpec; value: unknown } | { spec: GraphSpec; error: string };

/** The export a spec names, checked to be something a graph can be made from. */
async function loadExport(importFile: GraphModuleLoader, spec: GraphSpec): Promise<unknown> {
  if (!existsSync(spec.file)) throw new Error("the file does not exist");
  const module = await importFile(spec.file);
  if (!(spec.exportName in module)) throw new Error(`the file has no export named "${spec.exportName}"`);
  // `export const graph = makeGraph()` with an async makeGraph exports a promise
  const value: unknown = await module[spec.exportName];
  if (!isGraphExport(value)) {
    throw new Error(`export "${spec.exportName}" is neither a compiled graph, a StateGraph, nor a function returning one`);
  }
  return value;
}

/** An error as one line for the failure list: its kind when that says something ("SyntaxError: ..."). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
}

/**
 * The graphs of a langgraph.json, imported at run time through tsx. A graph whose
 * file fails to import, or whose export is missing or not a graph, is recorded
 * with its id, file and error instead of failing the whole registry.
 */
export class GraphRegistry implements GraphSource {
  /** the field types of Annotation states and contexts, read from the graphs' sources on the first request */
  private readonly sources: SourceSchemaReader;

  private constructor(
    /** the config the graphs came from */
    readonly config: LanggraphConfig,
    private readonly exports: Map<string, { spec: GraphSpec; value: unknown }>,
    private readonly failed: GraphLoadFailure[],
  ) {
    this.sources = new SourceSchemaReader([...exports.values()].map((e) => e.spec));
  }

  /** Loads every graph of a langgraph.json (its path, or the file already read); the bundled graphs when none is given. */
  static async load(config: string | LanggraphConfig = BUNDLED_CONFIG): Promise<GraphRegistry> {
    const parsed = typeof config === "string" ? loadLanggraphConfig(config) : config;
    const importFile = createGraphModuleLoader();
    const results = await Promise.all(
      parsed.specs.map((spec) =>
        loadExport(importFile, spec).then(
          (value): LoadResult => ({ spec, value }),
          (err: unknown): LoadResult => ({ spec, error: describeError(err) }),
        ),
      ),
    );
    const exports = new Map<string, { spec: GraphSpec; value: unknown }>();
    const failed: GraphLoadFailure[] = [];
    for (const r of results) {
      if ("error" in r) failed.push({ graphId: r.spec.graphId, file: r.spec.file, error: r.error });
      else exports.set(r.spec.graphId, r);
    }
    return new GraphRegistry(parsed, exports, failed);
  }

  /** The ids of the graphs that loaded, in the order of the config. */
  ids(): string[] {
    return [...this.exports.keys()];
  }

  has(graphId: string): boolean {
    return this.exports.has(graphId);
  }

  failures(): GraphLoadFailure[] {
    return this.failed.map((f) => ({ ...f }));
  }

  /** The graph ready to run on our checkpointer and store (see `instantiate` for how each kind of export gets them). */
  async compile(graphId: string, options: CompileOptions): Promise<CompiledGraph> {
    return this.instantiate(graphId, options);
  }

  /**
   * The graph's nodes and edges (`xray` also draws subgraphs' own nodes), and its JSON
   * schemas where it declares them. `sourceTypes` adds the Annotation field and context
   * types read from the graph's source: only for a schemas request, as the first read
   * takes seconds.
   */
  async describe(
    graphId: string,
    options: { config?: GraphConfig; xray?: boolean | number; sourceTypes?: boolean } = {},
  ): Promise<GraphDescription> {
    const graph = await this.instantiate(graphId, { config: options.config });
    const drawn = await graph.getGraphAsync({ ...options.config, ...(options.xray !== undefined && { xray: options.xray }) });
    const source = options.sourceTypes ? await this.sources.schemasOf(graphId) : undefined;
    const schemas = withSourceTypes(schemasOf(graph), source);
    return { graph: drawn.toJSON() as unknown as GraphShape, schemas };
  }

  /** `instantiate` for a graph id, its errors (a factory that throws) naming the graph and its file. */
  private async instantiate(graphId: string, options: Parameters<typeof instantiate>[1]): Promise<CompiledGraph> {
    const { spec, value } = this.entry(graphId);
    try {
      return await instantiate(value, options);
    } catch (err) {
      throw new Error(`graph "${graphId}" (${spec.file}): ${describeError(err)}`, { cause: err });
    }
  }

  private entry(graphId: string): { spec: GraphSpec; value: unknown } {
    const entry = this.exports.get(graphId);
    if (entry) return entry;
    const failure = this.failed.find((f) => f.graphId === graphId);
    throw new NotFoundError(
      failure
        ? `graph "${graphId}" failed to load from ${failure.file}: ${failure.error}`
        : `graph "${graphId}" is not in ${this.config.path}`,
    );
  }
}
