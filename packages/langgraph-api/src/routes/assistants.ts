import { Hono, type Context } from "hono";
import { z } from "zod";
import { MAX_SEARCH_LIMIT, schemas, type AssistantSortKey, type SchemasWithContext } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { flag } from "../schemas.ts";
import { body, query, uuidString } from "../validate.ts";
import { searchAnswer, searchWindow } from "../search-page.ts";
import { assistantToWire } from "../wire.ts";
import { assistantVersionToWire } from "../wire-extra.ts";

type C = Context<ShimEnv>;

const { jsonObject, runnableConfig, ifExists, sortOrder } = schemas;

const SELECT_FIELDS = [
  "assistant_id",
  "graph_id",
  "name",
  "description",
  "config",
  "context",
  "created_at",
  "updated_at",
  "metadata",
  "version",
] as const;

/** What an assistant is made of, set on create and changed by PATCH. */
const assistantFields = {
  config: runnableConfig.nullish(),
  context: jsonObject.nullish(),
  metadata: jsonObject.nullish(),
  name: z.string().min(1).nullish(),
  description: z.string().nullish(),
};

const createBody = z
  .object({
    graph_id: z.string().min(1),
    assistant_id: uuidString.nullish(),
    if_exists: ifExists.nullish(),
    ...assistantFields,
  })
  .strict();

const patchBody = z.object({ graph_id: z.string().min(1).nullish(), ...assistantFields }).strict();

const filters = {
  graph_id: z.string().min(1).nullish(),
  metadata: jsonObject.nullish(),
  /** a case-insensitive part of the name */
  name: z.string().nullish(),
};

const searchBody = z
  .object({
    ...filters,
    limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
    offset: schemas.searchOffset.default(0),
    sort_by: z.enum(["assistant_id", "graph_id", "name", "created_at", "updated_at"]).nullish(),
    sort_order: sortOrder.nullish(),
    select: z.array(z.enum(SELECT_FIELDS)).nullish(),
  })
  .strict();

const countBody = z.object(filters).strict();

const versionsBody = z
  .object({
    metadata: jsonObject.nullish(),
    limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
    offset: schemas.searchOffset.default(0),
  })
  .strict();

/** LangGraph takes any number; a version is a whole number from 1. */
const latestBody = z.object({ version: z.number().int().min(1) }).strict();

/** `?xray=true|false|<depth>` */
const xrayQuery = z
  .object({
    xray: z
      .string()
      .regex(/^(true|false|\d+)$/, "expected true, false or a depth")
      .transform((v) => (v === "true" ? true : v === "false" ? false : Number(v)))
      .optional(),
  })
  .strict();

const subgraphsQuery = z.object({ recurse: flag.default(false) }).strict();

/** The runtime's name of each sort key the wire takes. */
const SORT_KEYS = {
  assistant_id: "assistantId",
  graph_id: "graphId",
  name: "name",
  created_at: "createdAt",
  updated_at: "updatedAt",
} as const satisfies Record<string, AssistantSortKey>;

/** The filters of a search or count, as the runtime takes them. */
function matchOf(b: z.output<typeof countBody>) {
  return { graphId: b.graph_id ?? undefined, metadata: b.metadata ?? undefined, name: b.name ?? undefined };
}

/** The fields an assistant is made of, as the runtime takes them (null: not given, except for a description). */
function fieldsOf(b: z.output<typeof patchBody>) {
  return {
    graphId: b.graph_id ?? undefined,
    name: b.name ?? undefined,
    description: b.description,
    config: b.config ?? undefined,
    context: b.context ?? undefined,
    metadata: b.metadata ?? undefined,
  };
}

function assistantParam(c: C): string {
  return c.req.param("assistant_id") ?? "";
}

/** A graph's schemas under LangGraph's names (null for what it does not declare). */
function schemasToWire(graphId: string, s: SchemasWithContext) {
  return {
    graph_id: graphId,
    input_schema: s.input ?? null,
    output_schema: s.output ?? null,
    state_schema: s.state ?? null,
    config_schema: s.config ?? null,
    context_schema: s.context ?? null,
  };
}

/** The subgraphs of the assistant's graph, keyed by namespace, each with its own schemas (as LangGraph's server gives them). */
async function subgraphs(c: C, namespace: string | undefined, recurse: boolean) {
  const entries = await c.var.services.runtime.assistants.subgraphs(c.var.caller, assistantParam(c), { namespace, recurse });
  return Object.fromEntries(entries.map((e) => [e.namespace, schemasToWire(e.graphId, e.schemas)]));
}

export const assistantRoutes = new Hono<ShimEnv>()
  .post("/assistants", async (c) => {
    const b = await body(c, createBody);
    const created = await c.var.services.runtime.assistants.create(c.var.caller, {
      ...fieldsOf(b),
      graphId: b.graph_id,
      assistantId: b.assistant_id ?? undefined,
      ifExists: b.if_exists ?? undefined,
    });
    return c.json(assistantToWire(created));
  })

  .post("/assistants/search", async (c) => {
    const b = await body(c, searchBody);
    const page = await c.var.services.runtime.assistants.search(c.var.caller, {
      ...matchOf(b),
      ...searchWindow(b, SORT_KEYS, "created_at"),
    });
    return searchAnswer(c, page, b, assistantToWire);
  })

  .post("/assistants/count", async (c) => {
    const b = await body(c, countBody);
    return c.json(await c.var.services.runtime.assistants.count(c.var.caller, matchOf(b)));
  })

  .get("/assistants/:assistant_id", async (c) =>
    c.json(assistantToWire(await c.var.services.runtime.assistants.get(c.var.caller, assistantParam(c)))),
  )

  .patch("/assistants/:assistant_id", async (c) => {
    const b = await body(c, patchBody);
    const updated = await c.var.services.runtime.assistants.update(c.var.caller, assistantParam(c), fieldsOf(b));
    return c.json(assistantToWire(updated));
  })

  .delete("/assistants/:assistant_id", async (c) => {
    const q = query(c, z.object({ delete_threads: flag.default(false) }).strict());
    await c.var.services.runtime.assistants.delete(c.var.caller, assistantParam(c), { deleteThreads: q.delete_threads });
    return c.body(null, 204);
  })

  .get("/assistants/:assistant_id/graph", async (c) => {
    const { xray } = query(c, xrayQuery);
    return c.json(await c.var.services.runtime.assistants.graph(c.var.caller, assistantParam(c), { xray }));
  })

  .get("/assistants/:assistant_id/schemas", async (c) => {
    const schemas = await c.var.services.runtime.assistants.schemas(c.var.caller, assistantParam(c));
    return c.json(schemasToWire(schemas.graphId, schemas));
  })

  .get("/assistants/:assistant_id/subgraphs", async (c) => {
    const { recurse } = query(c, subgraphsQuery);
    return c.json(await subgraphs(c, undefined, recurse));
  })

  .get("/assistants/:assistant_id/subgraphs/:namespace", async (c) => {
    const { recurse } = query(c, subgraphsQuery);
    return c.json(await subgraphs(c, c.req.param("namespace"), recurse));
  })

  .post("/assistants/:assistant_id/versions", async (c) => {
    const b = await body(c, versionsBody);
    const versions = await c.var.services.runtime.assistants.versions(c.var.caller, assistantParam(c), {
      metadata: b.metadata ?? undefined,
      offset: b.offset,
      limit: b.limit,
    });
    return c.json(versions.map(assistantVersionToWire));
  })

  .post("/assistants/:assistant_id/latest", async (c) => {
    const { version } = await body(c, latestBody);
    return c.json(assistantToWire(await c.var.services.runtime.assistants.setLatest(c.var.caller, assistantParam(c), version)));
  });
