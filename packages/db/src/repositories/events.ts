import type { Database } from "../client.ts";
import type { RunEvent as RunEventRow } from "../generated/sqlite/client.ts";
import { directRows } from "./direct-rows.ts";
import { fencedInsert, type Lease } from "./leases.ts";
import { insertRows, ROWS_PER_STATEMENT } from "./raw-insert.ts";
import { decodeCursor, encodeCursor, pageSize, type Page, type PageRequest } from "./pagination.ts";
import { jsonText, parseJsonText } from "../json-text.ts";

/** A stored event of a run, its data parsed back from the JSON text it was saved as. */
export type RunEvent = Omit<RunEventRow, "data"> & { data: unknown };

export interface NewRunEvent {
  seq: number;
  event: string;
  data: unknown;
  createdAt?: Date;
}

const EVENT_COLUMNS = ["runId", "seq", "event", "data", "createdAt"] as const;

/** Events in one statement of `appendMany` at most: a write up to this many rows is all or nothing. */
export const EVENTS_PER_STATEMENT = ROWS_PER_STATEMENT;

/** A run event as its table's row; the data serialized here, once: a replay sends these bytes, exactly what a live reader got. */
function eventRow(runId: string, e: NewRunEvent, now: Date): unknown[] {
  return [runId, e.seq, e.event, jsonText(e.data ?? null), e.createdAt ?? now];
}

export function eventsRepository(db: Database) {
  const { prisma } = db;
  return {
    /**
     * Appends events of one run; seq is the run's own strictly increasing event id.
     * With `lease`, only while that lease is held (else LeaseLostError, nothing written).
     */
    async append(runId: string, events: readonly NewRunEvent[], lease?: Lease): Promise<number> {
      if (events.length === 0) return 0;
      const now = new Date();
      const rows = events.map((e) => eventRow(runId, e, now));
      if (lease) return fencedInsert(prisma, db.provider, lease, "run_event", EVENT_COLUMNS, rows);
      return insertRows(prisma, db.provider, "run_event", EVENT_COLUMNS, rows);
    },

    /**
     * Appends the events of several runs in one statement (per 500 rows): one commit
     * where each run alone would make its own. No lease: for runs this process alone
     * executes.
     */
    async appendMany(groups: readonly { runId: string; events: readonly NewRunEvent[] }[]): Promise<number> {
      const now = new Date();
      const rows = groups.flatMap(({ runId, events }) => events.map((e) => eventRow(runId, e, now)));
      if (rows.length === 0) return 0;
      return insertRows(prisma, db.provider, "run_event", EVENT_COLUMNS, rows);
    },

    /** A run's events in seq order; the cursor is the last seq read, `afterSeq` starts after a known id. */
    async list(runId: string, request: PageRequest & { afterSeq?: number } = {}): Promise<Page<RunEvent>> {
      const limit = pageSize(request);
      const after = request.cursor ? (decodeCursor(request.cursor, ["number"])[0] as number) : request.afterSeq;
      const rows = await prisma.runEvent.findMany({
        where: { runId, ...(after === undefined ? {} : { seq: { gt: after } }) },
        orderBy: { seq: "asc" },
        take: limit + 1,
      });
      const items = rows.slice(0, limit).map((row) => ({ ...row, data: parseJsonText(row.data) }));
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.seq]) : null };
    },

    async lastSeq(runId: string): Promise<number | null> {
      const direct = directRows(prisma);
      if (direct) {
        // asked as each fleet run starts: its events go on from there
        const [last] = await direct.all<Pick<RunEventRow, "seq">>(
          "RunEvent",
          'SELECT MAX("seq") AS "seq" FROM "run_event" WHERE "runId" = ?',
          [runId],
        );
        return last?.seq ?? null;
      }
      const row = await prisma.runEvent.findFirst({ where: { runId }, orderBy: { seq: "desc" }, select: { seq: true } });
      return row?.seq ?? null;
    },
  };
}

export type EventsRepository = ReturnType<typeof eventsRepository>;
