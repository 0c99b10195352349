import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";

type Out = inferRouterOutputs<AppRouter>;

export type ThreadRow = Out["threads"]["get"];
export type ThreadState = Out["threads"]["state"];
export type Checkpoint = Out["threads"]["history"]["items"][number];
export type RunRow = Out["runs"]["get"];
export type ThreadUsage = Out["usage"]["byThread"];

export { THREAD_STATUSES, type ThreadStatus } from "@lgrs/runtime/enums";

/** A JSON column as a plain object ({} for anything else). */
export function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A string field of a JSON object, or undefined. */
export function stringField(value: unknown, key: string): string | undefined {
  const v = objectOf(value)[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The error code tRPC attached to a failed call ("NOT_FOUND", "BAD_REQUEST", ...). */
export function errorCode(err: unknown): string | undefined {
  return (err as { data?: { code?: string } } | null)?.data?.code;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
