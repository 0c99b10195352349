import type ts from "typescript";
import type { GraphSpec } from "./langgraph-config.ts";
import type { SourceSchemas } from "./source-schemas.ts";
import { typeToJsonSchema } from "./type-json-schema.ts";

type JsonSchema = Record<string, unknown>;

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

/** The program of the last read: the next one reuses its parsed files (LangGraph's typings), a second graph reads in a fraction of the first's time. */
let previous: ts.Program | undefined;

/**
 * The field types of one graph's Annotation state and context, read from its source
 * with the compiler API. Synchronous and slow (seconds): it runs in the reader's
 * worker thread (source-read-worker.mjs), never on the server's event loop.
 */
export async function readSourceSchemas(spec: GraphSpec): Promise<SourceSchemas | undefined> {
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
  const program = tsx.createProgram([spec.file], options, undefined, previous);
  previous = program;
  return readGraph(tsx, program, program.getTypeChecker(), spec);
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
