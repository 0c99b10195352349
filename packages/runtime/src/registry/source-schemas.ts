import path from "node:path";
import type ts from "typescript";
import type { GraphSchemas } from "./graph-schemas.ts";
import type { GraphSpec } from "./langgraph-config.ts";
import { typeToJsonSchema } from "./type-json-schema.ts";

type JsonSchema = Record<string, unknown>;

/** The field types a graph's source declares, by key; its context as a whole schema. */
export interface SourceSchemas {
  state: Record<string, JsonSchema>;
  input: Record<string, JsonSchema>;
  output: Record<string, JsonSchema>;
  context?: JsonSchema;
}

/** How long the last program is kept for the next graph's read to reuse. */
const KEEP_PROGRAM_MS = 30_000;

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * Where the type arguments of a graph class sit: `CompiledStateGraph<S, U, N, I, O, C>`
 * and `StateGraph<SD, S, U, N, I, O, C>` (LangGraph 1.x). S is the state's value type,
 * U its update type (what input takes), I, O and C the input, output and context
 * definitions (a channel per key).
 */
const TYPE_ARGUMENTS: Record<string, { state: number; update: number; input: number; output: number; context: number }> = {
  CompiledStateGraph: { state: 0, update: 1, input: 3, output: 4, context: 5 },
  StateGraph: { state: 1, update: 2, input: 4, output: 5, context: 6 },
};

/**
 * JSON Schema for the fields of `Annotation.Root` states and contexts, read from
 * the graph's TypeScript source with the compiler API, as LangGraph's own server
 * does: at run time an Annotation field without a default says nothing of its type,
 * and an Annotation context is dropped altogether. A graph's source is read on its
 * first schemas request and the answer kept. The read is synchronous and takes
 * seconds (LangGraph's typings), so only a schemas request asks for it. A program
 * holds 100 MB or more: each is given the one before, whose parsed files it reuses
 * (a second graph reads in a fraction of the first's time), and the last one is let
 * go after a short while without reads.
 * Any failure leaves the graph with its channel-based schemas, told once in the log.
 */
export class SourceSchemaReader {
  private readonly results = new Map<string, Promise<SourceSchemas | undefined>>();
  private previous: ts.Program | undefined;
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
      const tsx = (await import("typescript")).default;
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowJs: true,
        allowImportingTsExtensions: true,
        module: tsx.ModuleKind.ESNext,
        moduleResolution: tsx.ModuleResolutionKind.Bundler,
        target: tsx.ScriptTarget.ES2022,
        types: [],
      };
      const program = tsx.createProgram([spec.file], options, undefined, this.previous);
      this.previous = program;
      clearTimeout(this.release);
      this.release = setTimeout(() => {
        this.previous = undefined;
      }, KEEP_PROGRAM_MS).unref();
      return readGraph(tsx, program, program.getTypeChecker(), spec);
    } catch (err) {
      console.warn(`graph schemas: ${graphId} (${path.basename(spec.file)}): ${String(err)}; its schemas come from the channels only`);
      return undefined;
    }
  }
}

/** The schemas of one graph export, or undefined when the export is not a StateGraph the checker can see. */
function readGraph(tsx: typeof ts, program: ts.Program, checker: ts.TypeChecker, spec: GraphSpec): SourceSchemas | undefined {
  const file = program.getSourceFile(spec.file);
  const module = file && checker.getSymbolAtLocation(file);
  if (!file || !module) throw new Error("the source file is not in the program");
  const exported = checker.getExportsOfModule(module).find((s) => s.name === spec.exportName);
  if (!exported) throw new Error(`no export named "${spec.exportName}" in the source`);
  let type = checker.getTypeOfSymbolAtLocation(exported, file);
  // a factory's graph is what it returns; an async one's, what it resolves to
  const [call] = type.getCallSignatures();
  if (call) type = call.getReturnType();
  type = checker.getAwaitedType(type) ?? type;
  const at = TYPE_ARGUMENTS[type.getSymbol()?.getName() ?? ""];
  if (!at) return undefined;
  const args = checker.getTypeArguments(type as ts.TypeReference);
  const schemaOf = (t: ts.Type) => typeToJsonSchema(tsx, checker, t);
  const fields = (t: ts.Type | undefined, typeOf: (field: ts.Type) => ts.Type | undefined) => {
    const out: Record<string, JsonSchema> = {};
    for (const prop of t ? checker.getPropertiesOfType(t) : []) {
      const field = typeOf(checker.getTypeOfSymbolAtLocation(prop, file));
      if (field) out[prop.name] = schemaOf(field);
    }
    return out;
  };
  const valueOfChannel = (channel: ts.Type) => channelValueType(checker, channel, file);
  const state = fields(args[at.state], (t) => t);
  const context = fields(args[at.context], valueOfChannel);
  return {
    state,
    input: { ...fields(args[at.input], valueOfChannel), ...fields(args[at.update], (t) => t) },
    output: { ...state, ...fields(args[at.output], valueOfChannel) },
    ...(Object.keys(context).length > 0 && { context: contextSchema(tsx, checker, args[at.context]!, context, file) }),
  };
}

/**
 * The value type of a definition's channel: a channel's `ValueType`, or for a bare
 * `Annotation<T>` (the Annotation function itself, not called) that of the
 * `LastValue<T>` its no-argument call makes.
 */
function channelValueType(checker: ts.TypeChecker, channel: ts.Type, at: ts.Node): ts.Type | undefined {
  const valueTypeOf = (t: ts.Type) => {
    const value = t.getProperty("ValueType");
    return value ? checker.getTypeOfSymbolAtLocation(value, at) : undefined;
  };
  const bare = channel.getCallSignatures().find((s) => s.getParameters().length === 0);
  return valueTypeOf(channel) ?? (bare && valueTypeOf(bare.getReturnType()));
}

/** An Annotation context as LangGraph answers a zod one: an object, its keys that take no undefined required. */
function contextSchema(
  tsx: typeof ts,
  checker: ts.TypeChecker,
  definition: ts.Type,
  properties: Record<string, JsonSchema>,
  at: ts.Node,
): JsonSchema {
  const required = checker.getPropertiesOfType(definition).filter((prop) => {
    const value = channelValueType(checker, checker.getTypeOfSymbolAtLocation(prop, at), at);
    return value && !(value.isUnion() && value.types.some((t) => t.flags & tsx.TypeFlags.Undefined));
  });
  return {
    title: "context",
    type: "object",
    properties,
    ...(required.length > 0 && { required: required.map((p) => p.name) }),
    $schema: "http://json-schema.org/draft-07/schema#",
  };
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
