/** The time windows the usage page offers, and how their buckets line up (buckets are UTC hours or days, as the API makes them). */

import type { inferRouterInputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";

/** The bucket sizes `usage.summary` offers. */
export type Bucket = NonNullable<inferRouterInputs<AppRouter>["usage"]["summary"]["bucket"]>;

export interface UsageWindow {
  id: "24h" | "7d" | "30d";
  label: string;
  /** "in the last 24 hours": for the empty state */
  phrase: string;
  bucket: Bucket;
  /** how many buckets, the current one included */
  count: number;
}

export const WINDOWS: readonly UsageWindow[] = [
  { id: "24h", label: "Last 24 hours (hourly)", phrase: "in the last 24 hours", bucket: "hour", count: 24 },
  { id: "7d", label: "Last 7 days (daily)", phrase: "in the last 7 days", bucket: "day", count: 7 },
  { id: "30d", label: "Last 30 days (daily)", phrase: "in the last 30 days", bucket: "day", count: 30 },
];

export const DEFAULT_WINDOW = WINDOWS[0]!;

export function windowById(id: string | null | undefined): UsageWindow {
  return WINDOWS.find((w) => w.id === id) ?? DEFAULT_WINDOW;
}

const UNIT_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** The start of the UTC hour or day `at` falls in. */
export function bucketFloor(at: number, bucket: Bucket): number {
  return at - (at % UNIT_MS[bucket]);
}

/** Where the window starts: the first of its `count` buckets, the last one being the current one. Whole buckets, so server and browser agree. */
export function windowStart(w: UsageWindow, now: number): Date {
  return new Date(bucketFloor(now, w.bucket) - (w.count - 1) * UNIT_MS[w.bucket]);
}

/** Every bucket start from `from` up to the one `until` falls in (empty buckets too, so the chart's time axis has no holes). */
export function bucketStarts(from: Date, until: number, bucket: Bucket): number[] {
  const starts: number[] = [];
  for (let t = bucketFloor(from.getTime(), bucket); t <= until; t += UNIT_MS[bucket]) starts.push(t);
  return starts;
}
