"use client";

import { useSyncExternalStore } from "react";

const subscribeNever = () => () => {};

/**
 * A date in the viewer's own locale and time zone. The server renders the ISO
 * form; the browser replaces it with the local one (no hydration mismatch).
 */
export function LocalTime({ value, withDate = true }: { value: Date | string | null | undefined; withDate?: boolean }) {
  const local = useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
  if (!value) return <span className="muted">—</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  const iso = date.toISOString();
  const text = local ? (withDate ? date.toLocaleString() : date.toLocaleTimeString()) : iso.replace("T", " ").slice(0, 19);
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}
