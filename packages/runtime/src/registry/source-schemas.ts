import path from "node:path";
import { Worker } from "node:worker_threads";
import type { GraphSchemas } from "./graph-schemas.ts";
import type { GraphSpec } from "./langgraph-config.ts";

type JsonSchema = Record<string, unknown>;

/** The field types a graph's source declares, by key; its context as a whole schema. */
export interface SourceSchemas {
  state: Record<string, JsonSchema>;
  input: Record<string, JsonSchema>;
  output: Record<string, JsonSchema>;
  context?: JsonSchema;
}

/** How long the worker (and the program it keeps, 100 MB or more) stays without reads. */
const KEEP_WORKER_MS = 30_000;

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * JSON Schema for the fields of `Annotation.Root` states and contexts, read from
 * the graph's TypeScript source with the compiler API, as LangGraph's own server
 * does: at run time an Annotation field without a default says nothing of its type,
 * and an Annotation context is dropped altogether. A graph's source is read on its
 * first schemas request and the answer kept. The read takes seconds (LangGraph's
 * typings) and is synchronous, so it runs in a worker thread: the server's event loop
 * (streams, other requests) never waits on it. The worker keeps its last program for
 * the next graph and is let go after a while without reads.
 * Any failure leaves the graph with its channel-based schemas, told once in the log.
 */
export class SourceSchemaReader {
  private readonly results = new Map<string, Promise<SourceSchemas | undefined>>();
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (s: SourceSchemas | undefined) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private release: NodeJS.Timeout | undefined;

  constructor(private readonly specs: GraphSpec[]) {}

  schemasOf(graphId: string): Promise<SourceSchemas | undefined> {
    let result = this.results.get(graphId);
    if (!result) {
      result = this.read(graphId);
      this.results.set(graphId, result);
    }
    return result;
  }

  private async read(graphId: string): Promise<SourceSchemas | undefined> {
    const spec = this.specs.find((s) => s.graphId === graphId);
    if (!spec || !SOURCE_FILE.test(spec.file)) return undefined;
    try {
      return await this.ask(spec);
    } catch (err) {
      console.warn(`graph schemas: ${graphId} (${path.basename(spec.file)}): ${String(err)}; its schemas come from the channels only`);
      return undefined;
    }
  }

  private ask(spec: GraphSpec): Promise<SourceSchemas | undefined> {
    const worker = this.started();
    clearTimeout(this.release);
    const id = this.nextId++;
    return new Promise<SourceSchemas | undefined>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, spec });
    }).finally(() => {
      if (this.pending.size === 0) this.release = setTimeout(() => this.stop(), KEEP_WORKER_MS).unref();
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./source-read-worker.mjs", import.meta.url));
    // a worker reading nothing must not keep the process alive
    worker.unref();
    worker.on("message", (m: { id: number; result?: SourceSchemas; error?: string }) => {
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) waiting?.reject(new Error(m.error));
      else waiting?.resolve(m.result);
    });
    const fail = (err: Error) => {
      for (const waiting of this.pending.values()) waiting.reject(err);
      this.pending.clear();
      if (this.worker === worker) this.worker = undefined;
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the schema reader stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}

/** True for `{}`: a key the channels could tell nothing of. */
const isEmpty = (schema: unknown) => !!schema && typeof schema === "object" && Object.keys(schema).length === 0;

/**
 * The channel-based schemas with the source's types where the channels told nothing
 * (a field without a default), and the Annotation context LangGraph dropped. What
 * the channels did tell (a messages list, a default's type) and what zod or
 * StateSchema converted exactly are kept.
 */
export function withSourceTypes(schemas: GraphSchemas, source: SourceSchemas | undefined): GraphSchemas {
  if (!source) return schemas;
  const fill = (schema: Record<string, unknown> | undefined, types: Record<string, JsonSchema>) => {
    const properties = schema?.properties as Record<string, unknown> | undefined;
    if (!schema || !properties) return schema;
    const filled = Object.entries(properties).map(([k, s]) => [k, isEmpty(s) && types[k] ? types[k] : s]);
    return { ...schema, properties: Object.fromEntries(filled) };
  };
  const out: GraphSchemas = {
    ...schemas,
    input: fill(schemas.input, source.input),
    output: fill(schemas.output, source.output),
    state: fill(schemas.state, source.state),
    config: schemas.config ?? source.context,
  };
  return Object.fromEntries(Object.entries(out).filter(([, s]) => s !== undefined));
}
