import { Hono } from "hono";
import { z } from "zod";
import { schemas } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { flag } from "../schemas.ts";
import { body, query } from "../validate.ts";
import { storeItemToWire } from "../wire-extra.ts";

/**
 * The long-term store (`runtime.store`): one store for the whole server, as on
 * LangGraph Platform. An item put with a `ttl` (minutes) expires that long after its
 * last write or refreshing read (`refresh_ttl`, on by default): it is invisible from
 * then on and swept. Search indexing is accepted and ignored: there is no vector index
 * (`query` does not rank). The
 * store's own rules (no empty namespace, the reserved root "langgraph") are the
 * runtime's; the labels are checked here so that a bad one is named by its place.
 */

const { jsonObject } = schemas;

/** A namespace label as BaseStore accepts it. */
const label = z
  .string()
  .min(1, "a namespace label cannot be empty")
  .refine((s) => !/[.:\0]/.test(s), "a namespace label cannot contain '.', ':' or NUL");

/** A namespace condition of listNamespaces: labels, "*" matching any one. */
const pattern = z.array(z.union([z.literal("*"), label]));

const FILTER_OPERATORS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"]);

/** Top-level value fields: a value (equality), or an object of operators, each known. */
const itemFilter = jsonObject.superRefine((filter, ctx) => {
  for (const [field, condition] of Object.entries(filter)) {
    if (!condition || typeof condition !== "object" || Array.isArray(condition)) continue;
    const keys = Object.keys(condition);
    if (keys.length === 0 || !keys.every((k) => k.startsWith("$"))) continue;
    for (const op of keys) {
      if (!FILTER_OPERATORS.has(op)) {
        ctx.addIssue({ code: "custom", path: [field, op], message: `unknown operator: use one of ${[...FILTER_OPERATORS].join(", ")}` });
      } else if ((op === "$in" || op === "$nin") && !Array.isArray((condition as Record<string, unknown>)[op])) {
        ctx.addIssue({ code: "custom", path: [field, op], message: `${op} takes a list` });
      }
    }
  }
});

const putBody = z
  .object({
    namespace: z.array(label),
    key: z.string().min(1),
    value: jsonObject,
    /** search indexing: accepted, ignored (no vector index) */
    index: z.union([z.literal(false), z.array(z.string())]).nullish(),
    /** minutes to live; absent or null: the item stays until deleted */
    ttl: schemas.ttlMinutes.nullish(),
  })
  .strict();

const getQuery = z
  .object({
    /** the labels joined with "." (the SDK's encoding) */
    namespace: z
      .string()
      .transform((s) => (s === "" ? [] : s.split(".")))
      .pipe(z.array(label)),
    key: z.string().min(1),
    refresh_ttl: flag.optional(),
  })
  .strict();

const deleteBody = z.object({ namespace: z.array(label), key: z.string().min(1) }).strict();

const searchBody = z
  .object({
    namespace_prefix: z.array(label).default([]),
    filter: itemFilter.nullish(),
    limit: z.number().int().min(1).max(1000).default(10),
    offset: schemas.searchOffset.default(0),
    query: z.string().nullish(),
    refresh_ttl: z.boolean().nullish(),
  })
  .strict();

const namespacesBody = z
  .object({
    prefix: pattern.nullish(),
    suffix: pattern.nullish(),
    max_depth: z.number().int().min(1).nullish(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: schemas.searchOffset.default(0),
  })
  .strict();

export const storeRoutes = new Hono<ShimEnv>()
  .put("/store/items", async (c) => {
    const b = await body(c, putBody);
    await c.var.services.runtime.store.put(c.var.caller, { namespace: b.namespace, key: b.key, value: b.value, ttlMinutes: b.ttl ?? null });
    return c.body(null, 204);
  })

  .get("/store/items", async (c) => {
    const q = query(c, getQuery);
    const item = await c.var.services.runtime.store.get(
      c.var.caller,
      { namespace: q.namespace, key: q.key },
      { refreshTtl: q.refresh_ttl },
    );
    return c.json(storeItemToWire(item));
  })

  .delete("/store/items", async (c) => {
    const b = await body(c, deleteBody);
    await c.var.services.runtime.store.delete(c.var.caller, b);
    return c.body(null, 204);
  })

  .post("/store/items/search", async (c) => {
    const b = await body(c, searchBody);
    const items = await c.var.services.runtime.store.search(c.var.caller, b.namespace_prefix, {
      filter: b.filter ?? undefined,
      limit: b.limit,
      offset: b.offset,
      query: b.query ?? undefined,
      refreshTtl: b.refresh_ttl ?? undefined,
    });
    return c.json({ items: items.map(storeItemToWire) });
  })

  .post("/store/namespaces", async (c) => {
    const b = await body(c, namespacesBody);
    const namespaces = await c.var.services.runtime.store.listNamespaces(c.var.caller, {
      prefix: b.prefix ?? undefined,
      suffix: b.suffix ?? undefined,
      maxDepth: b.max_depth ?? undefined,
      limit: b.limit,
      offset: b.offset,
    });
    return c.json({ namespaces });
  });
