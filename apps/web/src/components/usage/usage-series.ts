/** Turns the API's bucket rows into chart rows (one per bucket, one value per series) and per-series totals. */

import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";

type Usage = inferRouterOutputs<AppRouter>["usage"];

/** One bucket of `usage.summary`: its start (UTC hour or day), its series (a model or a caller) and its tokens. */
export type BucketRow = Usage["summary"][number];
export type TokenTotals = BucketRow["totals"];
/** One row of `usage.top`: a thread or assistant id and its tokens. */
export type TopRow = Usage["top"][number];

export interface ChartRow {
  /** bucket start, ms since the epoch */
  start: number;
  /** total tokens by series */
  values: Record<string, number>;
}

export interface SeriesTotal extends TokenTotals {
  group: string;
}

export function emptyTotals(): TokenTotals {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, calls: 0 };
}

export function addTotals(into: TokenTotals, more: TokenTotals): TokenTotals {
  into.inputTokens += more.inputTokens;
  into.outputTokens += more.outputTokens;
  into.totalTokens += more.totalTokens;
  into.calls += more.calls;
  return into;
}

/** Per-series totals, most tokens first. */
export function seriesTotals(rows: readonly BucketRow[]): SeriesTotal[] {
  const byGroup = new Map<string, SeriesTotal>();
  for (const row of rows) {
    const t = byGroup.get(row.group) ?? { group: row.group, ...emptyTotals() };
    byGroup.set(row.group, addTotals(t, row.totals) as SeriesTotal);
  }
  return [...byGroup.values()].sort((a, b) => b.totalTokens - a.totalTokens || a.group.localeCompare(b.group));
}

export function windowTotals(rows: readonly BucketRow[]): TokenTotals {
  return rows.reduce((sum, row) => addTotals(sum, row.totals), emptyTotals());
}

/** One chart row per bucket start in `axis` (rows outside it get their own), every series present in each. */
export function chartRows(rows: readonly BucketRow[], axis: readonly number[], groups: readonly string[]): ChartRow[] {
  const byStart = new Map<number, ChartRow>();
  const rowAt = (start: number) => {
    let row = byStart.get(start);
    if (!row) {
      row = { start, values: Object.fromEntries(groups.map((g) => [g, 0])) };
      byStart.set(start, row);
    }
    return row;
  };
  for (const start of axis) rowAt(start);
  for (const r of rows) {
    const values = rowAt(r.start.getTime()).values;
    values[r.group] = (values[r.group] ?? 0) + r.totals.totalTokens;
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}
