import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
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
  /** after a reload: the version still serving in its place (absent: the graph is not served) */
  serving?: string;
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

/** Which code a graph runs: a hash of what it was loaded from, and when it was loaded. */
export interface GraphVersion {
  graphId: string;
  /** sha256 (hex, first 12 characters) of the graph's spec, its file and the local files the config's graphs import */
  hash: string;
  loadedAt: Date;
}

/** What one load or reload did. */
export interface GraphReloadResult {
  /** graphs that run new code from now on (first loaded, or changed) */
  updated: GraphVersion[];
  /** graphs that no longer exist in langgraph.json */
  removed: string[];
  /** graphs that failed to load; those that loaded before keep serving their previous version */
  failed: GraphLoadFailure[];
  /** langgraph.json itself could not be read: nothing changed */
  configError: string | null;
}

interface Entry {
  spec: GraphSpec;
  value: unknown;
  version: GraphVersion;
}

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

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * A graph's content hash. Which helper file a graph imports cannot be told apart
 * once several graphs share a loader (a module is imported once), so every local
 * file of the load counts for every graph: an edit of a shared helper changes the
 * version of each graph, never of none.
 */
function hashOf(spec: GraphSpec, localFiles: readonly string[]): string {
  const h = createHash("sha256");
  h.update(`${spec.graphId}\0${spec.file}\0${spec.exportName}\0${readOrEmpty(spec.file)}`);
  for (const file of localFiles) h.update(`\0${file}\0${readOrEmpty(file)}`);
  return h.digest("hex").slice(0, 12);
}

/** Loads every graph of a config with a loader of its own (fresh modules, see createGraphModuleLoader). */
async function loadAll(config: LanggraphConfig): Promise<{ results: LoadResult[]; localFiles: string[] }> {
  const importFile = createGraphModuleLoader();
  const results = await Promise.all(
    config.specs.map((spec) =>
      loadExport(importFile, spec).then(
        (value): LoadResult => ({ spec, value }),
        (err: unknown): LoadResult => ({ spec, error: describeError(err) }),
      ),
    ),
  );
  await importFile.settled();
  // a file that failed to compile is still the user's: an edit fixing it must be seen
  const localFiles = [...new Set([...importFile.localFiles(), ...config.specs.map((s) => s.file)])].sort();
  return { results, localFiles };
}

/**
 * The graphs of a langgraph.json, imported at run time through tsx. A graph whose
 * file fails to import, or whose export is missing or not a graph, is recorded
 * with its id, file and error instead of failing the whole registry.
 *
 * `reload` loads the config and its files again. It swaps whole entries: a run
 * holds the graph it compiled at its start, so it ends on the code it started
 * with, and only runs compiled after the swap get the new code. A graph that
 * fails to reload keeps serving its previous version, its failure listed.
 */
export class GraphRegistry implements GraphSource {
  /** the field types of Annotation states and contexts, read from the graphs' sources on the first request */
  private sources: SourceSchemaReader;
  private current: LanggraphConfig;
  private files: string[];
  private reloading: Promise<GraphReloadResult> | null = null;
  private again = false;
  private lastConfigError: string | null = null;
  /** the version each compiled graph was made from: read once the run has its graph, whatever reloads meanwhile */
  private readonly compiled = new WeakMap<object, GraphVersion>();

  private constructor(
    config: LanggraphConfig,
    private exports: Map<string, Entry>,
    private failed: GraphLoadFailure[],
    files: string[],
  ) {
    this.current = config;
    this.files = files;
    this.sources = new SourceSchemaReader([...exports.values()].map((e) => e.spec));
  }

  /** the config the graphs came from (as last read) */
  get config(): LanggraphConfig {
    return this.current;
  }

  /** Loads every graph of a langgraph.json (its path, or the file already read); the bundled graphs when none is given. */
  static async load(config: string | LanggraphConfig = BUNDLED_CONFIG): Promise<GraphRegistry> {
    const parsed = typeof config === "string" ? loadLanggraphConfig(config) : config;
    const { results, localFiles } = await loadAll(parsed);
    const loadedAt = new Date();
    const exports = new Map<string, Entry>();
    const failed: GraphLoadFailure[] = [];
    for (const r of results) {
      if ("error" in r) failed.push({ graphId: r.spec.graphId, file: r.spec.file, error: r.error });
      else exports.set(r.spec.graphId, { ...r, version: { graphId: r.spec.graphId, hash: hashOf(r.spec, localFiles), loadedAt } });
    }
    return new GraphRegistry(parsed, exports, failed, localFiles);
  }

  /**
   * Reads langgraph.json and every graph file again. One reload at a time: asked
   * during one, another follows it (the files may have changed since it read them),
   * and every caller waiting gets that last one's result.
   */
  reload(): Promise<GraphReloadResult> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    const run = async (): Promise<GraphReloadResult> => {
      let result: GraphReloadResult;
      do {
        this.again = false;
        result = await this.reloadOnce();
      } while (this.again);
      return result;
    };
    this.reloading = run().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private async reloadOnce(): Promise<GraphReloadResult> {
    let config: LanggraphConfig;
    try {
      config = loadLanggraphConfig(this.current.path);
    } catch (err) {
      this.lastConfigError = describeError(err);
      return { updated: [], removed: [], failed: this.failures(), configError: this.lastConfigError };
    }
    this.lastConfigError = null;
    const { results, localFiles } = await loadAll(config);
    const loadedAt = new Date();
    const exports = new Map<string, Entry>();
    const failed: GraphLoadFailure[] = [];
    const updated: GraphVersion[] = [];
    for (const r of results) {
      const previous = this.exports.get(r.spec.graphId);
      if ("error" in r) {
        failed.push({ graphId: r.spec.graphId, file: r.spec.file, error: r.error, ...(previous && { serving: previous.version.hash }) });
        if (previous) exports.set(r.spec.graphId, previous);
        continue;
      }
      const hash = hashOf(r.spec, localFiles);
      // unchanged: the version (and its load time) stays what runs already recorded
      if (previous && previous.version.hash === hash) {
        exports.set(r.spec.graphId, previous);
        continue;
      }
      const version = { graphId: r.spec.graphId, hash, loadedAt };
      exports.set(r.spec.graphId, { ...r, version });
      updated.push(version);
    }
    const removed = [...this.exports.keys()].filter((id) => !config.specs.some((s) => s.graphId === id));
    this.current = config;
    this.exports = exports;
    this.failed = failed;
    this.files = localFiles;
    this.sources = new SourceSchemaReader([...exports.values()].map((e) => e.spec));
    return { updated, removed, failed: this.failures(), configError: null };
  }

  /** langgraph.json and the user's files the graphs import: a change to any of them calls for a reload. */
  watchedFiles(): string[] {
    return [this.current.path, ...this.files];
  }

  /** the version each loaded graph serves, in the order of the config */
  versions(): GraphVersion[] {
    return [...this.exports.values()].map((e) => ({ ...e.version }));
  }

  version(graphId: string): GraphVersion | undefined {
    const v = this.exports.get(graphId)?.version;
    return v && { ...v };
  }

  /** the last reload could not read langgraph.json (null: it could, or no reload yet) */
  configError(): string | null {
    return this.lastConfigError;
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
    // one entry read: a reload swapping it meanwhile cannot pair this graph with another version
    const entry = this.entry(graphId);
    const graph = await this.instantiate(entry, options);
    this.compiled.set(graph, entry.version);
    return graph;
  }

  versionOf(graph: object): GraphVersion | undefined {
    const v = this.compiled.get(graph);
    return v && { ...v };
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
    const graph = await this.instantiate(this.entry(graphId), { config: options.config });
    const drawn = await graph.getGraphAsync({ ...options.config, ...(options.xray !== undefined && { xray: options.xray }) });
    const source = options.sourceTypes ? await this.sources.schemasOf(graphId) : undefined;
    const schemas = withSourceTypes(schemasOf(graph), source);
    return { graph: drawn.toJSON() as unknown as GraphShape, schemas };
  }

  /** `instantiate` for an entry, its errors (a factory that throws) naming the graph and its file. */
  private async instantiate({ spec, value }: Entry, options: Parameters<typeof instantiate>[1]): Promise<CompiledGraph> {
    try {
      return await instantiate(value, options);
    } catch (err) {
      throw new Error(`graph "${spec.graphId}" (${spec.file}): ${describeError(err)}`, { cause: err });
    }
  }

  private entry(graphId: string): Entry {
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
