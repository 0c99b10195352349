import type ts from "typescript";

type JsonSchema = Record<string, unknown>;

/** How deep an object type is followed: a state's field types, not a library's class graph. */
const MAX_DEPTH = 5;

/**
 * The JSON Schema of a TypeScript type, for the kinds a state field is declared
 * with: strings, numbers, booleans, literals and their unions, arrays, tuples,
 * object literals and records, optional and nullable fields. Anything else (a
 * class's methods, a generic left open) is `{}`: any value.
 */
export function typeToJsonSchema(tsx: typeof ts, checker: ts.TypeChecker, type: ts.Type, depth = 0): JsonSchema {
  const F = tsx.TypeFlags;
  if (type.flags & (F.Any | F.Unknown | F.Never) || depth > MAX_DEPTH) return {};
  if (type.flags & F.StringLiteral) return { type: "string", enum: [(type as ts.StringLiteralType).value] };
  if (type.flags & F.NumberLiteral) return { type: "number", enum: [(type as ts.NumberLiteralType).value] };
  if (type.flags & F.BooleanLiteral) return { type: "boolean", enum: [checker.typeToString(type) === "true"] };
  if (type.flags & F.String) return { type: "string" };
  if (type.flags & F.Number) return { type: "number" };
  if (type.flags & F.Boolean) return { type: "boolean" };
  if (type.flags & F.Null) return { type: "null" };
  if (type.isUnion()) return unionSchema(tsx, checker, type, depth);
  if (checker.isTupleType(type)) {
    const items = checker.getTypeArguments(type as ts.TypeReference).map((t) => typeToJsonSchema(tsx, checker, t, depth + 1));
    return { type: "array", items, minItems: items.length, maxItems: items.length };
  }
  if (checker.isArrayType(type)) {
    const [item] = checker.getTypeArguments(type as ts.TypeReference);
    return { type: "array", items: item ? typeToJsonSchema(tsx, checker, item, depth + 1) : {} };
  }
  if (type.flags & F.Object) return objectSchema(tsx, checker, type, depth);
  return {};
}

/**
 * `"a" | "b"` is one enum, `string | undefined` an optional string, other unions an
 * anyOf. LangGraph's `OverwriteValue` (an update's way past a reducer) is left out:
 * it is no value of the field.
 */
function unionSchema(tsx: typeof ts, checker: ts.TypeChecker, type: ts.UnionType, depth: number): JsonSchema {
  const members = type.types.filter(
    (t) => !(t.flags & (tsx.TypeFlags.Undefined | tsx.TypeFlags.Void)) && t.getSymbol()?.getName() !== "OverwriteValue",
  );
  // `boolean` is `true | false` to the checker
  const booleans = members.filter((t) => t.flags & tsx.TypeFlags.BooleanLiteral);
  const rest = booleans.length === 2 ? members.filter((t) => !booleans.includes(t)) : members;
  const schemas = rest.map((t) => typeToJsonSchema(tsx, checker, t, depth));
  if (booleans.length === 2) schemas.push({ type: "boolean" });
  if (schemas.length === 1) return schemas[0]!;
  const literalType = schemas[0]?.type;
  if (schemas.every((s) => Array.isArray(s.enum) && s.type === literalType)) {
    return { type: literalType, enum: schemas.flatMap((s) => s.enum as unknown[]) };
  }
  return schemas.some((s) => Object.keys(s).length === 0) ? {} : { anyOf: schemas };
}

function objectSchema(tsx: typeof ts, checker: ts.TypeChecker, type: ts.Type, depth: number): JsonSchema {
  if (type.getCallSignatures().length > 0) return {};
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const prop of checker.getPropertiesOfType(type)) {
    const declaration = prop.valueDeclaration ?? prop.declarations?.[0];
    const propType = declaration ? checker.getTypeOfSymbolAtLocation(prop, declaration) : checker.getTypeOfSymbol(prop);
    if (propType.getCallSignatures().length > 0) continue; // methods are no data
    properties[prop.name] = typeToJsonSchema(tsx, checker, propType, depth + 1);
    if (!(prop.flags & tsx.SymbolFlags.Optional)) required.push(prop.name);
  }
  const index = checker.getIndexInfoOfType(type, tsx.IndexKind.String);
  const schema: JsonSchema = { type: "object", properties };
  if (required.length > 0) schema.required = required;
  if (index) schema.additionalProperties = typeToJsonSchema(tsx, checker, index.type, depth + 1);
  return schema;
}
