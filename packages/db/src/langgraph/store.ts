// LangGraph long-term store on our Prisma database (table `store_item`).
//
// A namespace is stored as its labels joined with "." (BaseStore forbids "." in labels,
// so the join is reversible). Values are JSON. There is no vector index: see `searchItems`.
//
// Semantics follow the official stores:
// - In one `batch`, reads (get, search, listNamespaces) see the store as it was before
//   the batch; its puts are applied afterwards, in one transaction, the last put to a
//   given namespace and key winning.
// - `search` returns the items under a namespace prefix, most recently updated first,
//   filtered on top-level value fields: plain values (deep equality) or operators $eq,
//   $ne, $gt, $gte, $lt, $lte, $in, $nin.
// - `listNamespaces` matches prefix/suffix conditions ("*" matches any one label),
//   truncates to `maxDepth` labels, de-duplicates, sorts, then pages.
//
// Matching is exact, done here in JS. The database only narrows the candidates: Prisma's
// `startsWith`/`endsWith` do not escape LIKE wildcards ("_", "%") and are case-insensitive
// on SQLite, so they may return a few rows too many, never too few. PostgreSQL's LIKE also
// reads "\\" as an escape, so the literals stop short of one (see `likeStart`).
//
// Time to live: PutOperation has no ttl in this version, so `putWithTtl` sets one beside
// `batch` (a plain put leaves the item without expiry). An expired item is invisible to
// every read at once, before `sweepExpired` deletes it; `refreshTtl` restarts the clock.
import { isDeepStrictEqual } from "node:util";
import {
  BaseStore,
  validateNamespace,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
} from "@langchain/langgraph-checkpoint";
import type { PrismaDb } from "../client.ts";
import type { Prisma, StoreItem } from "../generated/sqlite/client.ts";

/** Rows read per query while scanning search candidates. */
const SEARCH_PAGE_SIZE = 200;

const ORDER_OPERATORS = ["$gt", "$gte", "$lt", "$lte"] as const;
const FILTER_OPERATORS = new Set(["$eq", "$ne", "$in", "$nin", ...ORDER_OPERATORS]);

export interface PrismaStoreOptions {
  /**
   * Called once per store the first time a search comes with a `query`. Without a vector
   * index the query cannot rank anything: the search runs on namespace and filter alone
   * and items have no score, as in the official stores without an index. Defaults to a
   * console warning.
   */
  onQueryIgnored?: (query: string) => void;
}

export class PrismaStore extends BaseStore {
  private queryWarningGiven = false;

  constructor(
    private readonly prisma: PrismaDb,
    private readonly options: PrismaStoreOptions = {},
  ) {
    super();
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const results: unknown[] = [];
    const puts: PutOperation[] = [];
    const gets = new Map<number, GetOperation>();
    for (const [i, op] of operations.entries()) {
      if (isPut(op)) {
        validateNamespace(op.namespace, { allowReservedRoot: true });
        puts.push(op);
        results[i] = undefined;
      } else if (isGet(op)) {
        validateNamespace(op.namespace, { allowEmpty: true, allowReservedRoot: true });
        gets.set(i, op);
      } else if (isSearch(op)) {
        validateNamespace(op.namespacePrefix, { allowEmpty: true, allowReservedRoot: true });
        results[i] = await this.searchItems(op);
      } else {
        for (const { path } of op.matchConditions ?? []) {
          validateNamespace(path, { allowEmpty: true, allowReservedRoot: true });
        }
        results[i] = await this.findNamespaces(op);
      }
    }
    const items = await this.getMany([...gets.values()]);
    for (const [i, op] of gets) results[i] = items.get(itemKey(op.namespace, op.key)) ?? null;
    await this.applyPuts(puts);
    return results as OperationResults<Op>;
  }

  // -------------------------------------------------------------------------

  /** All gets of a batch in one query. */
  private async getMany(gets: GetOperation[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    if (gets.length === 0) return found;
    const keysByNamespace = new Map<string, Set<string>>();
    for (const { namespace, key } of gets) {
      const joined = joinNamespace(namespace);
      keysByNamespace.set(joined, (keysByNamespace.get(joined) ?? new Set()).add(key));
    }
    const rows = await this.prisma.storeItem.findMany({
      where: { AND: [live(), { OR: [...keysByNamespace].map(([namespace, keys]) => ({ namespace, key: { in: [...keys] } })) }] },
    });
    for (const row of rows) {
      const item = toItem(row);
      found.set(itemKey(item.namespace, item.key), item);
    }
    return found;
  }

  /**
   * Items under the prefix, most recently updated first. A `query` is not used for
   * ranking (no vector index; see PrismaStoreOptions.onQueryIgnored) and items carry no
   * score. Candidates are read page by page and matched here, until offset + limit
   * matches are found.
   */
  private async searchItems(op: SearchOperation): Promise<SearchItem[]> {
    if (op.query) this.queryIgnored(op.query);
    const limit = op.limit ?? 10;
    const offset = op.offset ?? 0;
    if (limit <= 0) return [];
    const prefix = joinNamespace(op.namespacePrefix);
    const where: Prisma.StoreItemWhereInput =
      prefix === "" ? live() : { AND: [live(), { OR: [{ namespace: prefix }, { namespace: { startsWith: likeStart(`${prefix}.`) } }] }] };
    const matches: SearchItem[] = [];
    let last: StoreItem | undefined;
    while (matches.length < offset + limit) {
      const rows = await this.prisma.storeItem.findMany({
        where: last ? { AND: [where, itemsAfter(last)] } : where,
        orderBy: [{ updatedAt: "desc" }, { namespace: "asc" }, { key: "asc" }],
        take: SEARCH_PAGE_SIZE,
      });
      for (const row of rows) {
        if (isUnderPrefix(row.namespace, prefix) && matchesFilter(row.value, op.filter)) {
          matches.push({ ...toItem(row), score: undefined });
        }
      }
      last = rows.at(-1);
      if (rows.length < SEARCH_PAGE_SIZE) break;
    }
    return matches.slice(offset, offset + limit);
  }

  /**
   * Distinct namespaces, matched, truncated to maxDepth, sorted label by label. There
   * are far fewer namespaces than items, so they are all read (GROUP BY) and paged here.
   */
  private async findNamespaces(op: ListNamespacesOperation): Promise<string[][]> {
    const conditions = op.matchConditions ?? [];
    const groups = await this.prisma.storeItem.groupBy({
      by: ["namespace"],
      where: { AND: [live(), ...conditions.map(candidateWhere)] },
      orderBy: { namespace: "asc" },
    });
    let namespaces = groups
      .map(({ namespace }) => splitNamespace(namespace))
      .filter((labels) => conditions.every((condition) => matchesCondition(condition, labels)));
    if (op.maxDepth !== undefined) {
      const truncated = new Map(namespaces.map((labels) => labels.slice(0, op.maxDepth)).map((l) => [joinNamespace(l), l]));
      namespaces = [...truncated.values()];
    }
    namespaces.sort(compareNamespaces);
    const offset = op.offset ?? 0;
    return namespaces.slice(offset, offset + (op.limit ?? namespaces.length));
  }

  /** The batch's puts, last one per item winning, in one transaction. null deletes. */
  private async applyPuts(puts: PutOperation[]): Promise<void> {
    const latest = new Map(puts.map((op) => [itemKey(op.namespace, op.key), op]));
    if (latest.size === 0) return;
    await this.prisma.$transaction(
      [...latest.values()].map(({ namespace, key, value }) => {
        const joined = joinNamespace(namespace);
        if (value === null) return this.prisma.storeItem.deleteMany({ where: { namespace: joined, key } });
        const json = value as Prisma.InputJsonObject;
        return this.prisma.storeItem.upsert({
          where: { namespace_key: { namespace: joined, key } },
          create: { namespace: joined, key, value: json },
          // a put without a ttl leaves the item without expiry, as with LangGraph's stores
          update: { value: json, expiresAt: null, ttlMinutes: null },
        });
      }),
    );
  }

  /**
   * Writes the item with a time to live of `ttlMinutes` (null: none), counted from now.
   * The namespace is checked as a put's.
   */
  async putWithTtl(namespace: string[], key: string, value: Record<string, unknown>, ttlMinutes: number | null): Promise<void> {
    validateNamespace(namespace, { allowReservedRoot: true });
    const joined = joinNamespace(namespace);
    const json = value as Prisma.InputJsonObject;
    const ttl = { ttlMinutes, expiresAt: ttlMinutes === null ? null : new Date(Date.now() + ttlMinutes * 60_000) };
    await this.prisma.storeItem.upsert({
      where: { namespace_key: { namespace: joined, key } },
      create: { namespace: joined, key, value: json, ...ttl },
      update: { value: json, ...ttl },
    });
  }

  /** Restarts the clock of these items that have a time to live and have not expired (a read with refresh_ttl). */
  async refreshTtl(items: { namespace: string[]; key: string }[]): Promise<void> {
    if (items.length === 0) return;
    const rows = await this.prisma.storeItem.findMany({
      where: {
        AND: [live(), { ttlMinutes: { not: null } }, { OR: items.map((i) => ({ namespace: joinNamespace(i.namespace), key: i.key })) }],
      },
      select: { namespace: true, key: true, ttlMinutes: true },
    });
    const now = Date.now();
    for (const row of rows) {
      await this.prisma.storeItem.updateMany({
        where: { namespace: row.namespace, key: row.key, ttlMinutes: row.ttlMinutes },
        data: { expiresAt: new Date(now + row.ttlMinutes! * 60_000) },
      });
    }
  }

  /** Deletes the items expired by `now`; how many went. Safe to run from many processes at once. */
  async sweepExpired(now = new Date()): Promise<number> {
    const { count } = await this.prisma.storeItem.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }

  private queryIgnored(query: string): void {
    if (this.queryWarningGiven) return;
    this.queryWarningGiven = true;
    const report =
      this.options.onQueryIgnored ??
      (() =>
        console.warn(
          "PrismaStore has no vector index: search queries do not rank results; items are matched on namespace and filter only.",
        ));
    report(query);
  }
}

// ---------------------------------------------------------------------------
// Telling operations apart (the same shape checks as the official stores)

function isPut(op: Operation): op is PutOperation {
  return "namespace" in op && "key" in op && "value" in op;
}

function isGet(op: Operation): op is GetOperation {
  return "namespace" in op && "key" in op && !("value" in op);
}

function isSearch(op: Operation): op is SearchOperation {
  return "namespacePrefix" in op;
}

// ---------------------------------------------------------------------------
// Namespaces

function joinNamespace(labels: string[]): string {
  return labels.join(".");
}

function splitNamespace(joined: string): string[] {
  return joined === "" ? [] : joined.split(".");
}

function itemKey(namespace: string[], key: string): string {
  return JSON.stringify([namespace, key]);
}

function isUnderPrefix(namespace: string, prefix: string): boolean {
  return prefix === "" || namespace === prefix || namespace.startsWith(`${prefix}.`);
}

/** "*" in a condition matches any single label. */
function matchesCondition({ matchType, path }: MatchCondition, labels: string[]): boolean {
  if (path.length > labels.length) return false;
  const start = matchType === "prefix" ? 0 : labels.length - path.length;
  return path.every((label, i) => label === "*" || label === labels[start + i]);
}

/**
 * A coarse database filter for one condition, from its literal labels before the first
 * (prefix) or after the last (suffix) wildcard. Exact matching happens afterwards.
 */
function candidateWhere({ matchType, path }: MatchCondition): Prisma.StoreItemWhereInput {
  if (matchType === "prefix") {
    const end = path.indexOf("*");
    const literal = joinNamespace(end === -1 ? path : path.slice(0, end));
    const start = likeStart(literal);
    return start ? { namespace: { startsWith: start } } : {};
  }
  const start = path.lastIndexOf("*");
  const end = likeEnd(joinNamespace(path.slice(start + 1)));
  return end ? { namespace: { endsWith: end } } : {};
}

/**
 * The part of a literal before its first backslash. PostgreSQL's LIKE takes "\\" as an
 * escape, which Prisma does not double: a backslash would make the filter drop rows that
 * match (or fail outright when it ends the pattern). A shorter literal only widens the
 * candidates, which are matched exactly afterwards.
 */
function likeStart(literal: string): string {
  const slash = literal.indexOf("\\");
  return slash === -1 ? literal : literal.slice(0, slash);
}

/** The part of a literal after its last backslash (see likeStart). */
function likeEnd(literal: string): string {
  return literal.slice(literal.lastIndexOf("\\") + 1);
}

/** Label by label, by UTF-16 code units; a namespace sorts before those it prefixes. */
function compareNamespaces(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------
// Items and filters

/** Items whose time to live has not passed (or that have none). */
function live(): Prisma.StoreItemWhereInput {
  return { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] };
}

function toItem(row: StoreItem): Item {
  return {
    namespace: splitNamespace(row.namespace),
    key: row.key,
    value: row.value as Record<string, unknown>,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Items after `last` in search order (updatedAt descending, then namespace and key). */
function itemsAfter(last: StoreItem): Prisma.StoreItemWhereInput {
  const { updatedAt, namespace, key } = last;
  return {
    OR: [{ updatedAt: { lt: updatedAt } }, { updatedAt, namespace: { gt: namespace } }, { updatedAt, namespace, key: { gt: key } }],
  };
}

/**
 * Every filter entry must hold for the item's top-level field of that name. An entry is
 * either a value (deep equality) or an object of operators; an object whose keys all
 * start with "$" is read as operators, and an unknown operator is an error rather than
 * a filter that silently never matches.
 */
function matchesFilter(value: unknown, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  const fields = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  return Object.entries(filter).every(([field, condition]) => {
    const actual = fields[field];
    if (!isOperatorObject(condition)) return isDeepStrictEqual(actual, condition);
    return Object.entries(condition).every(([operator, operand]) => applyOperator(operator, actual, operand));
  });
}

function isOperatorObject(condition: unknown): condition is Record<string, unknown> {
  if (!condition || typeof condition !== "object" || Array.isArray(condition)) return false;
  const keys = Object.keys(condition);
  return keys.length > 0 && keys.every((key) => key.startsWith("$"));
}

function applyOperator(operator: string, actual: unknown, operand: unknown): boolean {
  switch (operator) {
    case "$eq":
      return isDeepStrictEqual(actual, operand);
    case "$ne":
      return !isDeepStrictEqual(actual, operand);
    case "$in":
      return Array.isArray(operand) && operand.some((candidate) => isDeepStrictEqual(actual, candidate));
    case "$nin":
      return !Array.isArray(operand) || !operand.some((candidate) => isDeepStrictEqual(actual, candidate));
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      return compareOrdered(operator, actual, operand);
    default:
      throw new Error(`Unsupported filter operator ${operator}: use one of ${[...FILTER_OPERATORS].join(", ")}.`);
  }
}

/**
 * Numbers compare with numbers and strings with strings; anything else (a missing
 * field, mixed types) does not match, rather than being coerced.
 */
function compareOrdered(operator: (typeof ORDER_OPERATORS)[number], actual: unknown, operand: unknown): boolean {
  const comparable =
    (typeof actual === "number" && typeof operand === "number") || (typeof actual === "string" && typeof operand === "string");
  if (!comparable) return false;
  const a = actual as number | string;
  const b = operand as number | string;
  switch (operator) {
    case "$gt":
      return a > b;
    case "$gte":
      return a >= b;
    case "$lt":
      return a < b;
    case "$lte":
      return a <= b;
  }
}
