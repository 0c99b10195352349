import {
  asObject,
  lostRaceKind,
  type Assistant,
  type AssistantDeletion,
  type AssistantDeletionBlocker,
  type AssistantMatch,
  type AssistantPatch,
  type AssistantSearch,
  type AssistantVersion,
  type JsonObject,
  type OffsetPage,
  type Page,
  type PageRequest,
  windowOf,
} from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { resolveAssistant } from "./defaults.ts";
import { IN_FLIGHT_STATUSES, type IfExists } from "../enums.ts";
import { ConflictError, InvalidRequestError, NotFoundError } from "../errors.ts";
import type { GraphDescription, GraphShape } from "../registry/graph-registry.ts";
import type { GraphConfig } from "../registry/graph-exports.ts";
import { schemasOf, type GraphSchemas } from "../registry/graph-schemas.ts";
import type { RuntimeContext } from "../runs/context.ts";
import type { GraphSource } from "../runs/graph-source.ts";
import type { ThreadService } from "../threads/thread-service.ts";

/** What an assistant is made of: set on create, changed by update. */
export interface AssistantFields {
  /** defaults to the graph id */
  name?: string;
  description?: string | null;
  config?: JsonObject;
  context?: JsonObject | null;
  metadata?: JsonObject;
}

export interface NewAssistantInput extends AssistantFields {
  graphId: string;
  /** choose the id; one is made when omitted */
  assistantId?: string;
  /** when an assistant with this id exists: fail (default) or return it */
  ifExists?: IfExists;
}

export interface AssistantPatchInput extends AssistantFields {
  /** move the assistant to another loaded graph */
  graphId?: string;
}

export interface AssistantListOptions extends PageRequest {
  graphId?: string;
  metadata?: JsonObject;
}

export interface VersionOptions {
  metadata?: JsonObject;
  offset?: number;
  /** default 10, as LangGraph */
  limit?: number;
}

/** A graph's JSON schemas with its context schema (none for what the graph does not declare). */
export interface SchemasWithContext extends GraphSchemas {
  /** in LangGraph.js the config schema is the context schema (`new StateGraph(State, Context)`), as LangGraph's server answers */
  context?: GraphSchemas["config"];
}

/** The JSON schemas of an assistant's graph. */
export interface AssistantSchemas extends SchemasWithContext {
  graphId: string;
}

function withContext(schemas: GraphSchemas): SchemasWithContext {
  return schemas.config ? { ...schemas, context: schemas.config } : schemas;
}

/** One subgraph of an assistant's graph, by namespace, with its own JSON schemas. */
export interface SubgraphEntry {
  namespace: string;
  graphId: string;
  schemas: SchemasWithContext;
}

/** The graph registry's drawing; a graph source without one (a fixed set of test graphs) draws nothing. */
type Describer = {
  describe(graphId: string, options: { config?: GraphConfig; xray?: boolean | number; sourceTypes?: boolean }): Promise<GraphDescription>;
};

function describerOf(graphs: GraphSource): Describer | null {
  return typeof (graphs as Partial<Describer>).describe === "function" ? (graphs as unknown as Describer) : null;
}

/** `metadata.created_by: "system"` marks the default assistant the server makes for each graph. */
function isDefault(a: Assistant): boolean {
  return asObject(a.metadata).created_by === "system";
}

/**
 * Assistants: a graph with its configuration, every change kept as a version.
 * Every caller may read and run every assistant (as on LangGraph Platform, they are
 * shared within a deployment), but only its owner or an admin may change or delete
 * it; another caller is answered as if it did not exist, as LangGraph's auth filters
 * answer. The rules both doors follow live here: the graph must be loaded, the
 * default assistants cannot be changed or deleted, nobody else may mark an assistant
 * as a default one, and an assistant with a run in flight, or with runs of anyone but
 * its owner, cannot be deleted (deleting it would delete those runs).
 */
export class AssistantService {
  constructor(
    private readonly ctx: RuntimeContext,
    private readonly threads: ThreadService,
  ) {}

  /** An assistant by its id, or by a graph id standing for that graph's default assistant. */
  get(_actor: Actor, idOrGraphId: string): Promise<Assistant> {
    return resolveAssistant(this.ctx.repos, idOrGraphId);
  }

  /** The assistant with its graph's nodes and edges; null when the graph is not loaded here. */
  async describe(actor: Actor, idOrGraphId: string): Promise<Assistant & { graph: GraphShape | null }> {
    const assistant = await this.get(actor, idOrGraphId);
    const describer = describerOf(this.ctx.graphs);
    const graph =
      describer && this.ctx.graphs.has(assistant.graphId)
        ? (await describer.describe(assistant.graphId, { config: asObject(assistant.config) as GraphConfig })).graph
        : null;
    return { ...assistant, graph };
  }

  async create(actor: Actor, input: NewAssistantInput): Promise<Assistant> {
    this.requireLoaded(input.graphId);
    refuseReservedMetadata(input.metadata);
    const repo = this.ctx.repos.assistants;
    const { assistantId, ifExists = "raise" } = input;
    if (assistantId) {
      const existing = await repo.get(assistantId);
      if (existing && ifExists === "do_nothing") return existing;
      if (existing) throw new ConflictError(`assistant ${assistantId} already exists`);
    }
    try {
      return await repo.create({
        id: assistantId,
        graphId: input.graphId,
        name: input.name ?? input.graphId,
        description: input.description ?? null,
        config: input.config ?? {},
        context: input.context ?? null,
        metadata: input.metadata ?? {},
        ownerId: actor.userId,
      });
    } catch (err) {
      // another request made the same id between the check and the write
      if (!assistantId || lostRaceKind(err) !== "conflict") throw err;
      const made = ifExists === "do_nothing" ? await repo.get(assistantId) : null;
      if (made) return made;
      throw new ConflictError(`assistant ${assistantId} already exists`, { cause: err });
    }
  }

  /** Newest first, a page at a time (cursor pages, for lists that scroll). */
  list(_actor: Actor, options: AssistantListOptions = {}): Promise<Page<Assistant>> {
    return this.ctx.repos.assistants.list(options);
  }

  /** One page of the assistants matching every filter (graph, metadata keys, a part of the name), sorted, from `offset`. */
  async search(_actor: Actor, search: AssistantSearch = {}): Promise<OffsetPage<Assistant>> {
    return this.ctx.repos.assistants.search(search);
  }

  count(_actor: Actor, match: AssistantMatch = {}): Promise<number> {
    return this.ctx.repos.assistants.count(match);
  }

  /**
   * A new version with the given fields replacing the current ones, except
   * metadata, which is merged (as LangGraph does). A default assistant cannot be changed.
   */
  async update(actor: Actor, idOrGraphId: string, patch: AssistantPatchInput): Promise<Assistant> {
    const assistant = await this.get(actor, idOrGraphId);
    refuseDefault(assistant, "changed");
    requireOwner(actor, assistant, "change");
    if (patch.graphId) this.requireLoaded(patch.graphId);
    refuseReservedMetadata(patch.metadata);
    const change: AssistantPatch = {
      graphId: patch.graphId,
      name: patch.name,
      description: patch.description,
      config: patch.config,
      context: patch.context ?? undefined,
      metadata: patch.metadata ? { ...asObject(assistant.metadata), ...patch.metadata } : undefined,
    };
    const updated = await this.ctx.repos.assistants.update(assistant.id, change);
    if (!updated) throw new NotFoundError(`assistant ${assistant.id} not found`);
    return updated;
  }

  /**
   * Deletes the assistant with its versions and its owner's runs; with `deleteThreads`,
   * also the caller's threads its runs used. Only its owner or an admin may delete it;
   * a default assistant cannot be deleted, nor one with a run in flight (never pull a
   * row from under a run), nor one that runs of other users reference: the runs of an
   * assistant go with it, and nobody's deletion may take someone else's runs (an
   * owner-less assistant's runs all count as someone else's).
   */
  async delete(actor: Actor, idOrGraphId: string, options: { deleteThreads?: boolean } = {}): Promise<void> {
    const assistant = await this.get(actor, idOrGraphId);
    refuseDefault(assistant, "deleted");
    requireOwner(actor, assistant, "delete");
    const assistants = this.ctx.repos.assistants;
    const guard = { inFlight: [...IN_FLIGHT_STATUSES], runsOwner: assistant.ownerId };
    if (options.deleteThreads) {
      // a refused deletion deletes no thread either
      refuseBlocked(assistant, await assistants.deletionBlocker(assistant.id, guard));
      for (;;) {
        const page = await this.threads.list(actor, { metadata: { assistant_id: assistant.id }, limit: 100 });
        for (const thread of page.items) await this.threads.delete(actor, thread.id);
        if (!page.nextCursor) break;
      }
    }
    // checked again with the deletion, in one transaction: a run made since is never swept away
    refuseBlocked(assistant, await assistants.deleteUnlessBlocked(assistant.id, guard));
  }

  /** The assistant's versions newest first, those whose metadata matches, `limit` of them from `offset`. */
  async versions(actor: Actor, idOrGraphId: string, options: VersionOptions = {}): Promise<AssistantVersion[]> {
    windowOf(options); // a bad window is refused before the assistant is looked up
    const assistant = await this.get(actor, idOrGraphId);
    return this.ctx.repos.assistants.versions(assistant.id, {
      metadata: options.metadata,
      offset: options.offset,
      limit: options.limit ?? 10,
    });
  }

  /**
   * Makes one of the assistant's versions the current one (its graph, name, description,
   * config, context and metadata): `get` answers it and new runs use it. No version is
   * added; the next update numbers after the newest. The same rules as an update: the
   * owner or an admin only, never a default assistant, and the version's graph must be
   * loaded here (a run on it could not start otherwise).
   */
  async setLatest(actor: Actor, idOrGraphId: string, version: number): Promise<Assistant> {
    if (!Number.isInteger(version) || version < 1) {
      throw new InvalidRequestError(`version must be a whole number from 1, got ${version}`, { field: "version" });
    }
    const assistant = await this.get(actor, idOrGraphId);
    refuseDefault(assistant, "changed");
    requireOwner(actor, assistant, "change");
    const repo = this.ctx.repos.assistants;
    const [target] = await repo.versions(assistant.id, { offset: 0, limit: 1, version });
    if (!target) throw new NotFoundError(`assistant ${assistant.id} has no version ${version}`);
    this.requireLoaded(target.graphId);
    const result = await repo.setLatest(assistant.id, version);
    if (result.outcome === "set") return result.assistant;
    // deleted, or its version gone with it, since it was read
    throw new NotFoundError(
      result.outcome === "no_assistant" ? `assistant ${assistant.id} not found` : `assistant ${assistant.id} has no version ${version}`,
    );
  }

  /** The nodes and edges of the assistant's graph; `xray` (true or a depth) draws subgraphs' own nodes. */
  async graph(actor: Actor, idOrGraphId: string, options: { xray?: boolean | number } = {}): Promise<GraphShape> {
    const assistant = await this.get(actor, idOrGraphId);
    const { graph } = await this.describer().describe(assistant.graphId, {
      config: asObject(assistant.config) as GraphConfig,
      ...(options.xray !== undefined ? { xray: options.xray } : {}),
    });
    return graph;
  }

  async schemas(actor: Actor, idOrGraphId: string): Promise<AssistantSchemas> {
    const assistant = await this.get(actor, idOrGraphId);
    const { schemas } = await this.describer().describe(assistant.graphId, {
      config: asObject(assistant.config) as GraphConfig,
      sourceTypes: true,
    });
    return { graphId: assistant.graphId, ...withContext(schemas) };
  }

  /** The subgraphs of the assistant's graph (under `namespace`, all levels with `recurse`). */
  async subgraphs(actor: Actor, idOrGraphId: string, options: { namespace?: string; recurse?: boolean } = {}): Promise<SubgraphEntry[]> {
    const assistant = await this.get(actor, idOrGraphId);
    const graph = await this.ctx.graphs.compile(assistant.graphId, {
      checkpointer: this.ctx.checkpointer,
      store: this.ctx.store,
      config: asObject(assistant.config) as GraphConfig,
    });
    const get = (graph as { getSubgraphsAsync?: (ns?: string, recurse?: boolean) => AsyncIterable<[string, unknown]> }).getSubgraphsAsync;
    if (typeof get !== "function") return [];
    const out: SubgraphEntry[] = [];
    for await (const [namespace, subgraph] of get.call(graph, options.namespace, options.recurse ?? false))
      out.push({ namespace, graphId: assistant.graphId, schemas: withContext(schemasOf(subgraph)) });
    return out;
  }

  // ---------------------------------------------------------------------------

  private requireLoaded(graphId: string): void {
    if (this.ctx.graphs.has(graphId)) return;
    const loaded = this.ctx.graphs.ids();
    throw new InvalidRequestError(`graph "${graphId}" is not loaded on this server (loaded: ${loaded.join(", ") || "none"})`, {
      field: "graphId",
    });
  }

  private describer(): Describer {
    const describer = describerOf(this.ctx.graphs);
    if (!describer) throw new InvalidRequestError("this server's graphs cannot be drawn");
    return describer;
  }
}

function refuseDefault(a: Assistant, doing: "changed" | "deleted"): void {
  if (isDefault(a)) throw new ConflictError(`assistant ${a.id} is the default assistant of graph "${a.graphId}": it cannot be ${doing}`);
}

/** The owner or an admin may change an assistant; to anyone else it is not there to change (LangGraph answers 404). */
function requireOwner(actor: Actor, a: Assistant, doing: "change" | "delete"): void {
  if ("all" in actor.scope || (a.ownerId !== null && a.ownerId === actor.userId)) return;
  throw new NotFoundError(`assistant ${a.id} not found among the assistants you may ${doing}: only its owner or an admin may ${doing} it`);
}

/** Maps what stood in the way of a deletion to the error the caller gets; nothing when it was (or can be) deleted. */
function refuseBlocked(a: Assistant, result: AssistantDeletion | AssistantDeletionBlocker | null): void {
  if (result === null || result.outcome === "deleted") return;
  if (result.outcome === "missing") throw new NotFoundError(`assistant ${a.id} not found`);
  if (result.outcome === "in_flight") {
    throw new ConflictError(`assistant ${a.id} has a run in flight (${result.run.id}): cancel it before deleting the assistant`);
  }
  throw new ConflictError(
    `assistant ${a.id} is used by ${result.count} run(s) of ${a.ownerId === null ? "users (it has no owner)" : "other users"}: ` +
      "deleting it would delete their runs, so it cannot be deleted until their threads are deleted",
  );
}

function refuseReservedMetadata(metadata: JsonObject | null | undefined): void {
  if (metadata?.created_by === "system") {
    throw new InvalidRequestError(`"system" is reserved for the default assistants`, { field: "metadata.created_by" });
  }
}
