import type { Context } from "hono";
import { z } from "zod";
import { fieldErrors, invalid } from "./http-errors.ts";

/** The JSON body, checked against `schema`; 422 naming each bad field otherwise. An empty body counts as `{}`. */
export async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw invalid([{ field: "body", message: `malformed JSON: ${(err as Error).message}` }]);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(fieldErrors("body", parsed.error));
  return parsed.data;
}

/** The query string, checked against `schema` (repeated keys become arrays). */
export function query<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) raw[key] = values.length === 1 ? values[0]! : values;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(fieldErrors("query", parsed.error));
  return parsed.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in a body or query (any version, as LangGraph accepts), lower-cased. */
export const uuidString = z
  .string()
  .regex(UUID, "not a UUID")
  .transform((s) => s.toLowerCase());

/** A path parameter that must be a UUID (thread, run, assistant ids); 422 naming it otherwise. */
export function uuidParam(c: Context, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!UUID.test(value)) {
    throw invalid([{ field: `path.${name}`, message: `"${value}" is not a UUID` }]);
  }
  return value.toLowerCase();
}
