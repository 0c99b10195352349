import { isDeepStrictEqual } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ALL, newId, repositories, type Assistant, type Repositories, type Thread, type ThreadSortKey } from "../src/index.ts";
import { insertThreads, type BulkThread } from "./bulk-threads.ts";
import { testTargets } from "./databases.ts";
import { useMigratedDatabase } from "./setup-database.ts";

const STATUSES = ["idle", "busy", "interrupted", "error"] as const;

/** Byte order, as both databases sort text for a search. */
const bytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What a search should return, worked out here over every row. */
function expected(
  rows: BulkThread[],
  filter: { ownerId?: string; status?: string; metadata?: Record<string, unknown>; values?: Record<string, unknown> },
  sortBy: ThreadSortKey,
  order: "asc" | "desc",
): string[] {
  const matches = (actual: unknown, wanted?: Record<string, unknown>) =>
    !wanted ||
    Object.entries(wanted).every(
      ([k, v]) =>
        actual !== null && typeof actual === "object" && k in actual && isDeepStrictEqual((actual as Record<string, unknown>)[k], v),
    );
  const key = (t: BulkThread): string | number =>
    sortBy === "threadId" ? t.id : sortBy === "status" ? t.status : sortBy === "createdAt" ? t.createdAt.getTime() : t.updatedAt.getTime();
  const sign = order === "asc" ? 1 : -1;
  return rows
    .filter((t) => (!filter.ownerId || t.ownerId === filter.ownerId) && (!filter.status || t.status === filter.status))
    .filter((t) => matches(t.metadata, filter.metadata) && matches(t.values, filter.values))
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const byKey = typeof ka === "number" ? ka - (kb as number) : bytes(ka, kb as string);
      return (byKey || bytes(a.id, b.id)) * sign;
    })
    .map((t) => t.id);
}

describe.each(testTargets)("search and count in the database on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let repo: Repositories;
  let alice: string;
  let bob: string;
  /** threads filled in bulk: two owners, every status, repeating metadata and values, shuffled times */
  const bulk: BulkThread[] = [];
  const ids = (page: { items: { id: string }[] }) => page.items.map((t) => t.id);

  beforeAll(async () => {
    repo = repositories(database());
    alice = (await repo.users.createUser({ email: `alice-${Date.now()}@example.com`, name: "Alice" })).id;
    bob = (await repo.users.createUser({ email: `bob-${Date.now()}@example.com`, name: "Bob" })).id;
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 1200; i++) {
      bulk.push({
        id: newId(),
        ownerId: i % 3 === 0 ? bob : alice,
        status: STATUSES[i % 4]!,
        metadata: { bulk: true, team: `t${i % 7}`, n: i, ...(i % 5 === 0 ? { tags: ["a", "b"] } : { tags: ["a"] }) },
        values: i % 11 === 0 ? null : { count: i % 13, nested: { even: i % 2 === 0 } },
        // a few equal times, so the id has to break the tie
        createdAt: new Date(base + Math.floor(i / 3) * 1000),
        updatedAt: new Date(base + ((i * 7919) % 1200) * 1000),
      });
    }
    await insertThreads(database(), bulk);
  });

  describe("threads", () => {
    it("pages the owner's threads in every sort order and direction, from any offset, exactly as a full sort would", async () => {
      const scope = { ownerId: alice };
      for (const sortBy of ["createdAt", "updatedAt", "stateUpdatedAt", "threadId", "status"] as const) {
        for (const order of ["asc", "desc"] as const) {
          const want = expected(bulk, { ownerId: alice, metadata: { bulk: true } }, sortBy, order);
          for (const offset of [0, 37, want.length - 5]) {
            const page = await repo.threads.search(scope, { metadata: { bulk: true }, sortBy, sortOrder: order, offset, limit: 20 });
            expect(ids(page), `${sortBy} ${order} from ${offset}`).toEqual(want.slice(offset, offset + 20));
            expect(page.hasMore).toBe(offset + 20 < want.length);
          }
        }
      }
    });

    it("sorts by status in the same (byte) order on both databases", async () => {
      const page = await repo.threads.search(
        { ownerId: alice },
        { metadata: { bulk: true }, sortBy: "status", sortOrder: "asc", limit: 1000 },
      );
      const statuses = [...new Set(page.items.map((t) => t.status))];
      expect(statuses).toEqual(["busy", "error", "idle", "interrupted"]);
    });

    it("is newest first by default, and an offset past the end is an empty last page", async () => {
      const want = expected(bulk, { ownerId: bob, metadata: { bulk: true } }, "createdAt", "desc");
      expect(ids(await repo.threads.search({ ownerId: bob }, { metadata: { bulk: true } }))).toEqual(want.slice(0, 10));
      expect(await repo.threads.search({ ownerId: bob }, { metadata: { bulk: true }, offset: 5000 })).toEqual({
        items: [],
        hasMore: false,
      });
    });

    it("filters by status, metadata and values together, and counts what it finds", async () => {
      const filter = { status: "busy" as const, metadata: { team: "t3" }, values: { count: 5 } };
      const want = expected(bulk, { ownerId: alice, ...filter }, "createdAt", "desc");
      expect(want.length).toBeGreaterThan(0);
      const page = await repo.threads.search({ ownerId: alice }, { ...filter, limit: 1000 });
      expect(ids(page)).toEqual(want);
      expect(await repo.threads.count({ ownerId: alice }, filter)).toBe(want.length);
      expect(await repo.threads.count({ ownerId: alice }, { metadata: { bulk: true } })).toBe(
        bulk.filter((t) => t.ownerId === alice).length,
      );
    });

    it("matches JSON values exactly: a nested object, a whole list (not a part of it), null, a missing key never", async () => {
      const scope = { ownerId: alice };
      const even = await repo.threads.count(scope, { values: { nested: { even: true } } });
      expect(even).toBe(expected(bulk, { ownerId: alice, values: { nested: { even: true } } }, "createdAt", "desc").length);
      const both = expected(bulk, { ownerId: alice, metadata: { tags: ["a", "b"] } }, "createdAt", "desc");
      expect(await repo.threads.count(scope, { metadata: { tags: ["a", "b"] } })).toBe(both.length);
      // ["a"] is contained in ["a", "b"], but is not equal to it
      const onlyA = expected(bulk, { ownerId: alice, metadata: { tags: ["a"] } }, "createdAt", "desc");
      expect(await repo.threads.count(scope, { metadata: { tags: ["a"] } })).toBe(onlyA.length);
      expect(onlyA.some((id) => both.includes(id))).toBe(false);

      const made = await repo.threads.create({ ownerId: alice, metadata: { exact: "x", empty: null, num: 1.5 } });
      expect(ids(await repo.threads.search(scope, { metadata: { exact: "x", empty: null } }))).toEqual([made.id]);
      expect(ids(await repo.threads.search(scope, { metadata: { exact: "x", num: 1.5 } }))).toEqual([made.id]);
      expect(await repo.threads.count(scope, { metadata: { exact: "x", missing: null } })).toBe(0);
      expect(await repo.threads.count(scope, { metadata: { exact: "X" } })).toBe(0);
      // a thread with no values yet matches no values filter
      expect(await repo.threads.count(scope, { metadata: { exact: "x" }, values: { count: 1 } })).toBe(0);
    });

    it("finds by ids among the caller's threads only; an empty list finds none", async () => {
      const mine = bulk.filter((t) => t.ownerId === alice).slice(0, 3);
      const theirs = bulk.find((t) => t.ownerId === bob)!;
      const page = await repo.threads.search({ ownerId: alice }, { ids: [...mine.map((t) => t.id), theirs.id, newId()] });
      expect(ids(page).sort()).toEqual(mine.map((t) => t.id).sort());
      expect(await repo.threads.count({ ownerId: alice }, { ids: [theirs.id] })).toBe(0);
      expect(await repo.threads.count(ALL, { ids: [theirs.id, mine[0]!.id] })).toBe(2);
      expect(await repo.threads.search({ ownerId: alice }, { ids: [] })).toEqual({ items: [], hasMore: false });
    });

    it("sees every owner's threads in the admin scope", async () => {
      const want = expected(bulk, { metadata: { team: "t2" } }, "updatedAt", "asc");
      const page = await repo.threads.search(ALL, { metadata: { team: "t2" }, sortBy: "updatedAt", sortOrder: "asc", limit: 1000 });
      expect(ids(page)).toEqual(want);
      expect(await repo.threads.count(ALL, { metadata: { bulk: true } })).toBe(bulk.length);
    });

    it("gives whole rows, as get does", async () => {
      const [first] = (await repo.threads.search({ ownerId: alice }, { metadata: { bulk: true }, limit: 1 })).items as [Thread];
      expect(first).toEqual(await repo.threads.get({ ownerId: alice }, first.id));
    });

    it("refuses a window it cannot serve", async () => {
      await expect(repo.threads.search(ALL, { limit: 0 })).rejects.toBeInstanceOf(RangeError);
      await expect(repo.threads.search(ALL, { limit: 1001 })).rejects.toBeInstanceOf(RangeError);
      await expect(repo.threads.search(ALL, { offset: -1 })).rejects.toBeInstanceOf(RangeError);
    });

    it("filters the cursor list by values too", async () => {
      const want = expected(bulk, { ownerId: bob, values: { count: 4 } }, "createdAt", "desc");
      const page = await repo.threads.list({ ownerId: bob }, { values: { count: 4 }, limit: 500 });
      expect(page.items.map((t) => t.id)).toEqual(want);
    });
  });

  describe("assistants", () => {
    const tag = `tag-${Date.now()}`;
    let made: Assistant[];
    beforeAll(async () => {
      made = [];
      for (const [graphId, name] of [
        ["g1", "alpha"],
        ["g1", "Bravo"],
        ["g2", "charlie 100%"],
        ["g2", "delta_x"],
        ["g1", "deltaXx"],
      ] as const) {
        made.push(await repo.assistants.create({ graphId, name, metadata: { tag, graph: graphId } }));
      }
    });
    const names = (page: { items: Assistant[] }) => page.items.map((a) => a.name);

    it("finds a part of the name in any case, literally (no wildcards)", async () => {
      expect(names(await repo.assistants.search({ metadata: { tag }, name: "ALPH" }))).toEqual(["alpha"]);
      expect(names(await repo.assistants.search({ metadata: { tag }, name: "_" }))).toEqual(["delta_x"]);
      expect(names(await repo.assistants.search({ metadata: { tag }, name: "0%" }))).toEqual(["charlie 100%"]);
      expect(await repo.assistants.count({ metadata: { tag }, name: "delta" })).toBe(2);
    });

    it("sorts by name in byte order on both databases, pages with offset, and filters by graph", async () => {
      const page = await repo.assistants.search({ metadata: { tag }, sortBy: "name", sortOrder: "asc", limit: 2, offset: 1 });
      expect(names(page)).toEqual(["alpha", "charlie 100%"]);
      expect(page.hasMore).toBe(true);
      const all = await repo.assistants.search({ metadata: { tag }, sortBy: "name", sortOrder: "asc" });
      expect(names(all)).toEqual(["Bravo", "alpha", "charlie 100%", "deltaXx", "delta_x"]);
      expect(all.hasMore).toBe(false);
      expect(names(await repo.assistants.search({ metadata: { tag }, graphId: "g2", sortBy: "name", sortOrder: "desc" }))).toEqual([
        "delta_x",
        "charlie 100%",
      ]);
      // newest first by default
      expect(names(await repo.assistants.search({ metadata: { tag } }))).toEqual([...made].reverse().map((a) => a.name));
      expect(await repo.assistants.count({ metadata: { tag, graph: "g1" } })).toBe(3);
    });

    it("lists versions newest first, filtered by metadata, from an offset", async () => {
      const a = made[0]!;
      await repo.assistants.update(a.id, { metadata: { tag, stage: "two" } });
      await repo.assistants.update(a.id, { metadata: { tag, stage: "three" } });
      expect((await repo.assistants.versions(a.id)).map((v) => v.version)).toEqual([3, 2, 1]);
      expect((await repo.assistants.versions(a.id, { offset: 1, limit: 1 })).map((v) => v.version)).toEqual([2]);
      expect((await repo.assistants.versions(a.id, { metadata: { stage: "three" } })).map((v) => v.version)).toEqual([3]);
      expect((await repo.assistants.versions(a.id, { metadata: { tag } })).map((v) => v.version)).toEqual([3, 2, 1]);
    });
  });
});
