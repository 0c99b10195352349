// PrismaStore: the LangGraph long-term store on every test database.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { InvalidNamespaceError } from "@langchain/langgraph-checkpoint";
import { PrismaStore } from "../src/langgraph/store.ts";
import { testTargets } from "./databases.ts";
import { useMigratedDatabase } from "./setup-database.ts";

describe.each(testTargets)("PrismaStore on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let store: PrismaStore;
  let ignoredQueries: string[];
  /** a fresh root label per test, so tests never see each other's items */
  let root: string;

  beforeEach(() => {
    ignoredQueries = [];
    store = new PrismaStore(database().prisma, { onQueryIgnored: (query) => ignoredQueries.push(query) });
    root = `t${randomUUID().replaceAll("-", "")}`;
  });

  describe("get, put, delete", () => {
    it("returns null for a missing item", async () => {
      expect(await store.get([root], "nope")).toBeNull();
    });

    it("puts, reads back, updates and deletes an item", async () => {
      await store.put([root, "users", "u1"], "prefs", { theme: "dark" });
      const created = await store.get([root, "users", "u1"], "prefs");
      expect(created).toMatchObject({ namespace: [root, "users", "u1"], key: "prefs", value: { theme: "dark" } });
      expect(created?.createdAt).toBeInstanceOf(Date);
      expect(created?.updatedAt).toBeInstanceOf(Date);

      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.put([root, "users", "u1"], "prefs", { theme: "light", font: 12 });
      const updated = await store.get([root, "users", "u1"], "prefs");
      expect(updated?.value).toEqual({ theme: "light", font: 12 });
      expect(updated?.createdAt.getTime()).toBe(created?.createdAt.getTime());
      expect(updated!.updatedAt.getTime()).toBeGreaterThan(created!.updatedAt.getTime());

      await store.delete([root, "users", "u1"], "prefs");
      expect(await store.get([root, "users", "u1"], "prefs")).toBeNull();
      // deleting what is not there is fine
      await store.delete([root, "users", "u1"], "prefs");
    });

    it("keeps items apart by namespace and key", async () => {
      await store.put([root, "a"], "k", { n: 1 });
      await store.put([root, "a", "b"], "k", { n: 2 });
      await store.put([root, "a"], "k2", { n: 3 });
      expect((await store.get([root, "a"], "k"))?.value).toEqual({ n: 1 });
      expect((await store.get([root, "a", "b"], "k"))?.value).toEqual({ n: 2 });
      expect((await store.get([root, "a"], "k2"))?.value).toEqual({ n: 3 });
      expect(await store.get([root], "k")).toBeNull();
    });

    it("round-trips nested JSON and unicode exactly", async () => {
      const value = {
        text: "héllo wörld — 你好 — مرحبا — 😀👩‍👩‍👧",
        nested: { list: [1, 2.5, -3, 0, true, false, null, "x"], deep: { deeper: { deepest: ["a", { b: "c" }] } } },
        empty: { obj: {}, arr: [] },
        quotes: `'single' "double" \\backslash\\ \n newline \t tab`,
        big: 9007199254740991,
      };
      await store.put([root, "ünïcødé", "名前"], "ключ 🔑", value);
      const item = await store.get([root, "ünïcødé", "名前"], "ключ 🔑");
      expect(item?.value).toEqual(value);
      expect(item?.namespace).toEqual([root, "ünïcødé", "名前"]);
      expect(item?.key).toBe("ключ 🔑");
    });

    it("rejects namespaces that cannot be stored", async () => {
      await expect(store.put([root, "a.b"], "k", { x: 1 })).rejects.toThrow(InvalidNamespaceError);
      await expect(store.put([], "k", { x: 1 })).rejects.toThrow(InvalidNamespaceError);
      // batch() bypasses BaseStore.put's checks: the store checks again
      await expect(store.batch([{ namespace: [root, "a.b"], key: "k", value: { x: 1 } }])).rejects.toThrow(InvalidNamespaceError);
      await expect(store.batch([{ namespace: [root, "a.b"], key: "k" }])).rejects.toThrow(InvalidNamespaceError);
    });
  });

  describe("batch", () => {
    it("returns results in operation order; reads see the store as before the batch", async () => {
      await store.put([root], "existing", { v: "old" });
      // typed loosely: OperationResults cannot follow a mixed array element by element
      const results: unknown[] = await store.batch([
        { namespace: [root], key: "existing", value: { v: "new" } },
        { namespace: [root], key: "existing" },
        { namespace: [root], key: "fresh", value: { v: 1 } },
        { namespace: [root], key: "fresh" },
        { namespacePrefix: [root], limit: 10, offset: 0 },
        { matchConditions: [{ matchType: "prefix", path: [root] }], limit: 10, offset: 0 },
      ]);
      expect(results[0]).toBeUndefined();
      expect((results[1] as { value: unknown }).value).toEqual({ v: "old" });
      expect(results[3]).toBeNull();
      expect((results[4] as { key: string }[]).map((item) => item.key)).toEqual(["existing"]);
      expect(results[5]).toEqual([[root]]);
      expect((await store.get([root], "existing"))?.value).toEqual({ v: "new" });
      expect((await store.get([root], "fresh"))?.value).toEqual({ v: 1 });
    });

    it("applies the last put to the same item, including a delete", async () => {
      await store.batch([
        { namespace: [root], key: "a", value: { n: 1 } },
        { namespace: [root], key: "a", value: { n: 2 } },
        { namespace: [root], key: "b", value: { n: 1 } },
        { namespace: [root], key: "b", value: null },
      ]);
      expect((await store.get([root], "a"))?.value).toEqual({ n: 2 });
      expect(await store.get([root], "b")).toBeNull();
    });
  });

  describe("search", () => {
    beforeEach(async () => {
      // put one by one, oldest first, so "most recently updated first" is well defined
      const items: [string[], string, Record<string, unknown>][] = [
        [["docs"], "d1", { kind: "report", score: 1, tags: ["a"], author: { name: "Ann" } }],
        [["docs", "2024"], "d2", { kind: "memo", score: 5, tags: ["b"], author: { name: "Bob" } }],
        [["docs", "2024"], "d3", { kind: "report", score: 7.5, title: "Zeta" }],
        [["docs", "2025", "q1"], "d4", { kind: "report", score: 10, title: "Alpha" }],
        [["docs_x"], "d5", { kind: "report", score: 3 }], // shares a prefix string with "docs", not the label
        [["Docs"], "d6", { kind: "report", score: 4 }], // differs only in case from "docs"
        [["notes"], "n1", { kind: "report", score: 2 }],
      ];
      for (const [namespace, key, value] of items) {
        await store.put([root, ...namespace], key, value);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    });

    const keys = (items: { key: string }[]) => items.map((item) => item.key);

    it("finds everything under a namespace prefix, label by label, most recent first", async () => {
      expect(keys(await store.search([root, "docs"]))).toEqual(["d4", "d3", "d2", "d1"]);
      expect(keys(await store.search([root, "docs", "2024"]))).toEqual(["d3", "d2"]);
      expect(keys(await store.search([root, "Docs"]))).toEqual(["d6"]);
      expect(keys(await store.search([root], { limit: 100 }))).toEqual(["n1", "d6", "d5", "d4", "d3", "d2", "d1"]);
      expect(await store.search([root, "doc"])).toEqual([]);
      const [first] = await store.search([root, "docs", "2025"]);
      expect(first).toMatchObject({ namespace: [root, "docs", "2025", "q1"], key: "d4", value: { title: "Alpha" } });
      expect(first?.score).toBeUndefined();
    });

    it("filters on equality, including nested values", async () => {
      expect(keys(await store.search([root, "docs"], { filter: { kind: "report" } }))).toEqual(["d4", "d3", "d1"]);
      expect(keys(await store.search([root, "docs"], { filter: { author: { name: "Bob" } } }))).toEqual(["d2"]);
      expect(keys(await store.search([root, "docs"], { filter: { tags: ["a"] } }))).toEqual(["d1"]);
      expect(keys(await store.search([root, "docs"], { filter: { kind: "report", score: 7.5 } }))).toEqual(["d3"]);
      expect(keys(await store.search([root, "docs"], { filter: { missing: "x" } }))).toEqual([]);
    });

    it("filters with comparison operators", async () => {
      const search = async (filter: Record<string, unknown>) => keys(await store.search([root, "docs"], { filter }));
      expect(await search({ kind: { $eq: "memo" } })).toEqual(["d2"]);
      expect(await search({ kind: { $ne: "memo" } })).toEqual(["d4", "d3", "d1"]);
      expect(await search({ score: { $gt: 5 } })).toEqual(["d4", "d3"]);
      expect(await search({ score: { $gte: 5 } })).toEqual(["d4", "d3", "d2"]);
      expect(await search({ score: { $lt: 5 } })).toEqual(["d1"]);
      expect(await search({ score: { $lte: 5 } })).toEqual(["d2", "d1"]);
      expect(await search({ score: { $gt: 1, $lt: 10 } })).toEqual(["d3", "d2"]);
      expect(await search({ score: { $in: [1, 10] } })).toEqual(["d4", "d1"]);
      expect(await search({ kind: { $nin: ["memo"] } })).toEqual(["d4", "d3", "d1"]);
      expect(await search({ title: { $gt: "B" } })).toEqual(["d3"]);
      // a missing field or another type never compares
      expect(await search({ title: { $lt: 100 } })).toEqual([]);
      expect(await search({ kind: "report", score: { $gte: 7.5 } })).toEqual(["d4", "d3"]);
    });

    it("rejects unknown operators instead of matching nothing", async () => {
      await expect(store.search([root, "docs"], { filter: { score: { $regex: "x" } } })).rejects.toThrow(
        /Unsupported filter operator \$regex/,
      );
    });

    it("pages with limit and offset after filtering", async () => {
      expect(keys(await store.search([root, "docs"], { limit: 2 }))).toEqual(["d4", "d3"]);
      expect(keys(await store.search([root, "docs"], { limit: 2, offset: 2 }))).toEqual(["d2", "d1"]);
      expect(keys(await store.search([root, "docs"], { limit: 2, offset: 4 }))).toEqual([]);
      expect(keys(await store.search([root, "docs"], { filter: { kind: "report" }, limit: 1, offset: 1 }))).toEqual(["d3"]);
      expect(await store.search([root, "docs"], { limit: 0 })).toEqual([]);
      // the default limit is 10
      for (let i = 0; i < 12; i += 1) await store.put([root, "many"], `m${i}`, { i });
      expect(await store.search([root, "many"])).toHaveLength(10);
    });

    it("a query without a vector index does not rank: results are the plain search, and it says so", async () => {
      const plain = await store.search([root, "docs"], { filter: { kind: "report" } });
      const withQuery = await store.search([root, "docs"], { filter: { kind: "report" }, query: "alpha" });
      expect(withQuery).toEqual(plain);
      expect(withQuery.every((item) => item.score === undefined)).toBe(true);
      await store.search([root, "docs"], { query: "again" });
      expect(ignoredQueries).toEqual(["alpha"]); // reported once per store
    });

    it("scans past the first page of candidates", async () => {
      // more than one page (200 rows), many sharing an updatedAt: the pages must not skip or repeat
      const count = 450;
      await store.batch(
        Array.from({ length: count }, (_, i) => ({
          namespace: [root, "bulk", `g${i % 3}`],
          key: `k${String(i).padStart(3, "0")}`,
          value: { i, even: i % 2 === 0 },
        })),
      );
      const all = await store.search([root, "bulk"], { limit: 1000 });
      expect(all).toHaveLength(count);
      expect(new Set(all.map((item) => `${item.namespace.join("/")}:${item.key}`)).size).toBe(count);
      const evens = await store.search([root, "bulk"], { filter: { even: true }, limit: 1000 });
      expect(evens).toHaveLength(count / 2);
      const tail = await store.search([root, "bulk"], { filter: { i: { $gte: 400 } }, limit: 20, offset: 40 });
      expect(tail).toHaveLength(10);
      expect(tail.every((item) => (item.value.i as number) >= 400)).toBe(true);
    });
  });

  describe("listNamespaces", () => {
    beforeEach(async () => {
      for (const namespace of [
        ["users", "u1", "prefs"],
        ["users", "u1", "memories"],
        ["users", "u2", "memories"],
        ["users", "u2", "memories", "v1"],
        ["docs", "v1"],
        ["docs_v1"],
      ]) {
        await store.put([root, ...namespace], "k", { x: 1 });
      }
    });

    const under = (namespaces: string[][]) => namespaces.map((labels) => labels.slice(1).join("/"));

    it("lists namespaces under a prefix, sorted", async () => {
      expect(under(await store.listNamespaces({ prefix: [root] }))).toEqual([
        "docs/v1",
        "docs_v1",
        "users/u1/memories",
        "users/u1/prefs",
        "users/u2/memories",
        "users/u2/memories/v1",
      ]);
      expect(under(await store.listNamespaces({ prefix: [root, "users", "u2"] }))).toEqual(["users/u2/memories", "users/u2/memories/v1"]);
      expect(await store.listNamespaces({ prefix: [root, "doc"] })).toEqual([]);
    });

    it("matches wildcards in prefix and suffix conditions", async () => {
      expect(under(await store.listNamespaces({ prefix: [root, "users", "*", "memories"] }))).toEqual([
        "users/u1/memories",
        "users/u2/memories",
        "users/u2/memories/v1",
      ]);
      expect(under(await store.listNamespaces({ prefix: [root], suffix: ["memories"] }))).toEqual([
        "users/u1/memories",
        "users/u2/memories",
      ]);
      expect(under(await store.listNamespaces({ prefix: [root], suffix: ["v1"] }))).toEqual(["docs/v1", "users/u2/memories/v1"]);
      expect(under(await store.listNamespaces({ prefix: [root], suffix: ["*", "memories", "*"] }))).toEqual(["users/u2/memories/v1"]);
      expect(under(await store.listNamespaces({ prefix: [root, "*", "u1"] }))).toEqual(["users/u1/memories", "users/u1/prefs"]);
    });

    it("matches labels holding backslashes and LIKE wildcards exactly (PostgreSQL reads \\ as an escape)", async () => {
      await store.put([root, "a\\b", "c%"], "k", { x: 1 });
      await store.put([root, "a\\"], "k", { x: 1 });
      await store.put([root, "ab"], "k", { x: 1 });
      expect(under(await store.listNamespaces({ prefix: [root, "a\\b"] }))).toEqual(["a\\b/c%"]);
      expect(under(await store.listNamespaces({ prefix: [root, "a\\"] }))).toEqual(["a\\"]);
      expect(under(await store.listNamespaces({ prefix: [root], suffix: ["a\\"] }))).toEqual(["a\\"]);
      expect(under(await store.listNamespaces({ prefix: [root], suffix: ["c%"] }))).toEqual(["a\\b/c%"]);
      expect((await store.search([root, "a\\b"])).map((item) => item.namespace.slice(1))).toEqual([["a\\b", "c%"]]);
      expect((await store.search([root, "a\\"])).map((item) => item.namespace.slice(1))).toEqual([["a\\"]]);
    });

    it("truncates to maxDepth and removes duplicates", async () => {
      expect(under(await store.listNamespaces({ prefix: [root], maxDepth: 2 }))).toEqual(["docs", "docs_v1", "users"]);
      expect(under(await store.listNamespaces({ prefix: [root, "users"], maxDepth: 3 }))).toEqual(["users/u1", "users/u2"]);
      expect(under(await store.listNamespaces({ prefix: [root], suffix: ["memories"], maxDepth: 3 }))).toEqual(["users/u1", "users/u2"]);
    });

    it("pages with limit and offset", async () => {
      const all = await store.listNamespaces({ prefix: [root] });
      expect(await store.listNamespaces({ prefix: [root], limit: 2 })).toEqual(all.slice(0, 2));
      expect(await store.listNamespaces({ prefix: [root], limit: 2, offset: 2 })).toEqual(all.slice(2, 4));
      expect(await store.listNamespaces({ prefix: [root], limit: 10, offset: 5 })).toEqual(all.slice(5));
    });

    it("forgets a namespace once its last item is deleted", async () => {
      await store.delete([root, "docs", "v1"], "k");
      expect(under(await store.listNamespaces({ prefix: [root, "docs"] }))).toEqual([]);
      expect(under(await store.listNamespaces({ prefix: [root], maxDepth: 2 }))).toEqual(["docs_v1", "users"]);
    });
  });
});
