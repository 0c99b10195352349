import type { Context, MiddlewareHandler } from "hono";
import { badCharacter, findUnstorable } from "@lgrs/runtime";
import { z } from "zod";
import type { ShimEnv } from "./env.ts";
import { fieldErrors, HttpError, invalid } from "./http-errors.ts";

/** Refuses a value no database can take (NUL, half a surrogate pair, an over-long key, nesting past the limit), naming where it is. */
function refuseUnstorable(c: Context<ShimEnv>, value: unknown, where: string): void {
  const problem = findUnstorable(value, c.var.services.runtime.limits.maxJsonDepth, where);
  if (problem) throw invalid([problem]);
}

/** The JSON body, checked against `schema`; 422 naming each bad field otherwise. An empty body counts as `{}`. */
export async function body<S extends z.ZodType>(c: Context<ShimEnv>, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw invalid([{ field: "body", message: `malformed JSON: ${(err as Error).message}` }]);
    }
    refuseUnstorable(c, value, "body");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(fieldErrors("body", parsed.error));
  return parsed.data;
}

/** The query string, checked against `schema` (repeated keys become arrays). */
export function query<S extends z.ZodType>(c: Context<ShimEnv>, schema: S): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) raw[key] = values.length === 1 ? values[0]! : values;
  refuseUnstorable(c, raw, "query");
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

/**
 * The request path, decoded: a `%` escape that is not UTF-8 is a 400, and a NUL or half a
 * surrogate pair in an id or name in the path is refused before any route looks it up.
 */
export const checkPath: MiddlewareHandler<ShimEnv> = async (c, next) => {
  const raw = new URL(c.req.url).pathname;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, "path: a % escape in the path is not UTF-8", [{ field: "path", message: "a % escape is not UTF-8" }]);
  }
  const bad = badCharacter(decoded);
  if (bad) throw invalid([{ field: "path", message: bad }]);
  await next();
};
