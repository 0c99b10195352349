import type { JsonObject } from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { InvalidRequestError, NotFoundError, TooLargeError } from "../errors.ts";
import { MAX_KEY_LENGTH, MAX_NAMESPACE_BYTES } from "../input/limits.ts";
import type { RuntimeContext } from "../runs/context.ts";
export type { StoreScope } from "./store-scope.ts";

/** An item of the long-term store. */
export interface StoreItem {
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  /** relevance to a search query; never set here (no vector index) */
  score?: number;
}

export interface StoreItemRef {
  namespace: string[];
  key: string;
}

export interface StoreSearchOptions {
  /** top-level value fields: a value (equality) or operators $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin */
  filter?: JsonObject;
  /** default 10 */
  limit?: number;
  offset?: number;
  /** accepted, not used for ranking (no vector index) */
  query?: string;
  /** restart the time to live of the items found (default true, as LangGraph's refresh_on_read) */
  refreshTtl?: boolean;
}

export interface StoreGetOptions {
  /** restart the item's time to live (default true, as LangGraph's refresh_on_read) */
  refreshTtl?: boolean;
}

export interface NamespaceListOptions {
  /** labels, "*" matching any one */
  prefix?: string[];
  suffix?: string[];
  /** namespaces cut to this many labels */
  maxDepth?: number;
  /** default 100 */
  limit?: number;
  offset?: number;
}

/**
 * The long-term store graphs read and write (LangGraph's BaseStore). As on LangGraph
 * Platform it is one store for the whole server: by default every caller reads and writes
 * the same namespaces (graphs scope their data by namespace, e.g. `["memories", userId]`);
 * with the `owner` scope a caller reaches only the namespaces under its own user id.
 * A namespace the store refuses (an empty one, a label with ".", the reserved root
 * "langgraph" for writes) is the caller's mistake, field `namespace`.
 */
export class StoreService {
  constructor(private readonly ctx: RuntimeContext) {}

  /**
   * Writes the item, replacing its value if it exists. With `ttlMinutes` it expires that
   * long after its last write (or read that refreshes it): invisible at once, deleted by
   * the sweeper; without, it stays until deleted.
   */
  async put(actor: Actor, item: StoreItemRef & { value: Record<string, unknown>; ttlMinutes?: number | null }): Promise<void> {
    checkRef(item);
    this.refuseForeign(actor, item.namespace);
    const bytes = Buffer.byteLength(JSON.stringify(item.value));
    if (bytes > this.ctx.limits.maxStoreValueBytes) {
      throw new TooLargeError(
        `value is ${bytes} bytes as JSON, more than the ${this.ctx.limits.maxStoreValueBytes} a store item may hold`,
        "value",
      );
    }
    if (item.ttlMinutes != null) {
      const { ttlMinutes } = item;
      await this.call(() => this.ctx.store.putWithTtl(item.namespace, item.key, item.value, ttlMinutes));
    } else {
      await this.call(() => this.ctx.store.put(item.namespace, item.key, item.value));
    }
  }

  /** The item (its ttl restarted unless `refreshTtl` is false); NotFoundError when there is none or it has expired. */
  async get(actor: Actor, ref: StoreItemRef, options: StoreGetOptions = {}): Promise<StoreItem> {
    const item = this.reaches(actor, ref.namespace) ? await this.call(() => this.ctx.store.get(ref.namespace, ref.key)) : null;
    if (!item) throw new NotFoundError(`no item "${ref.key}" in namespace [${ref.namespace.join(", ")}]`);
    if (options.refreshTtl !== false) await this.ctx.store.refreshTtl([item]);
    return item;
  }

  /** Deletes the item; deleting what is not there is fine. */
  async delete(actor: Actor, ref: StoreItemRef): Promise<void> {
    this.refuseForeign(actor, ref.namespace);
    await this.call(() => this.ctx.store.delete(ref.namespace, ref.key));
  }

  /** Items under the namespace prefix, most recently updated first, matching the filter. */
  async search(actor: Actor, namespacePrefix: string[], options: StoreSearchOptions = {}): Promise<StoreItem[]> {
    const prefix = this.within(actor, namespacePrefix);
    if (!prefix || longerThanAnyNamespace(prefix)) return [];
    const { refreshTtl, ...search } = options;
    const items = await this.call(() => this.ctx.store.search(prefix, search));
    if (refreshTtl !== false) await this.ctx.store.refreshTtl(items);
    return items;
  }

  /** The distinct namespaces matching prefix and suffix, sorted. */
  listNamespaces(actor: Actor, options: NamespaceListOptions = {}): Promise<string[][]> {
    const prefix = this.within(actor, options.prefix ?? []);
    if (!prefix || longerThanAnyNamespace(prefix) || longerThanAnyNamespace(options.suffix ?? [])) return Promise.resolve([]);
    return this.call(() => this.ctx.store.listNamespaces({ ...options, prefix: prefix.length > 0 ? prefix : options.prefix }));
  }

  /** Whether the caller may reach this namespace under the store scope. */
  private reaches(actor: Actor, namespace: string[]): boolean {
    return this.ctx.storeScope === "shared" || "all" in actor.scope || namespace[0] === actor.userId;
  }

  private refuseForeign(actor: Actor, namespace: string[]): void {
    if (!this.reaches(actor, namespace)) {
      throw new InvalidRequestError(
        `namespace must start with your user id (${actor.userId}): this server keeps each caller's store items apart`,
        {
          field: "namespace",
        },
      );
    }
  }

  /**
   * A search prefix narrowed to what the caller may reach: unchanged when it may reach
   * everything, its own namespaces for an empty prefix or a leading "*", null (nothing)
   * for another user's.
   */
  private within(actor: Actor, prefix: string[]): string[] | null {
    if (this.ctx.storeScope === "shared" || "all" in actor.scope) return prefix;
    const [first, ...rest] = prefix;
    if (first === undefined || first === "*" || first === actor.userId) return [actor.userId, ...rest];
    return null;
  }

  // (the reads need no check: a key no item can have finds nothing)
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof Error && err.name === "InvalidNamespaceError")
        throw new InvalidRequestError(err.message, { cause: err, field: "namespace" });
      throw err;
    }
  }
}

/**
 * Whether labels are longer than any stored namespace can be, so match nothing. Searches
 * answer that at once rather than asking the database: SQLite refuses a LIKE pattern
 * past 50,000 bytes with an error, and the pattern is built from these labels.
 */
function longerThanAnyNamespace(labels: string[]): boolean {
  return Buffer.byteLength(labels.join(".")) > MAX_NAMESPACE_BYTES;
}

/** A key and namespace the store's primary key can index: bounded so the pair stays under PostgreSQL's index row limit. */
function checkRef(ref: StoreItemRef): void {
  if (ref.key.length > MAX_KEY_LENGTH) throw new InvalidRequestError(`key is longer than ${MAX_KEY_LENGTH} characters`, { field: "key" });
  if (longerThanAnyNamespace(ref.namespace)) {
    throw new InvalidRequestError(`namespace is longer than ${MAX_NAMESPACE_BYTES} bytes (its labels joined by ".")`, {
      field: "namespace",
    });
  }
}
