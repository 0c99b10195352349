import type { AssistantVersion } from "@lgrs/runtime";

/** More rows as the LangGraph Platform API sends them (see wire.ts for assistants, threads and runs). */

export function assistantVersionToWire(v: AssistantVersion) {
  return {
    assistant_id: v.assistantId,
    version: v.version,
    graph_id: v.graphId,
    name: v.name,
    description: v.description,
    config: v.config ?? {},
    context: v.context ?? {},
    metadata: v.metadata ?? {},
    created_at: v.createdAt.toISOString(),
  };
}

/** A long-term store item as a BaseStore gives it (dates as Date). */
export interface StoreItemLike {
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
  createdAt: Date | string;
  updatedAt: Date | string;
  score?: number | null;
}

function iso(d: Date | string): string {
  return d instanceof Date ? d.toISOString() : new Date(d).toISOString();
}

/**
 * A store item: `created_at`/`updated_at` as LangGraph's server sends them (the SDK
 * copies them to `createdAt`/`updatedAt`), and the camelCase pair too, so raw HTTP
 * clients reading the SDK's `Item` shape find them as well. `score` only when known.
 */
export function storeItemToWire(item: StoreItemLike) {
  const createdAt = iso(item.createdAt);
  const updatedAt = iso(item.updatedAt);
  return {
    namespace: item.namespace,
    key: item.key,
    value: item.value,
    created_at: createdAt,
    updated_at: updatedAt,
    createdAt,
    updatedAt,
    ...(typeof item.score === "number" ? { score: item.score } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Only the fields a `select` asks for (`values.<key>` keeps that key of the values);
 * everything when there is no select.
 */
export function selectFields<T extends object>(row: T, select: readonly string[] | undefined): Partial<T> | T {
  if (!select || select.length === 0) return row;
  const source = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const valueKeys: string[] = [];
  for (const field of select) {
    if (field.startsWith("values.")) valueKeys.push(field.slice("values.".length));
    else if (field in source) out[field] = source[field];
  }
  if (valueKeys.length > 0 && !("values" in out)) {
    const values = source.values;
    out.values = isRecord(values) ? Object.fromEntries(valueKeys.filter((k) => k in values).map((k) => [k, values[k]])) : values;
  }
  return out as Partial<T>;
}
