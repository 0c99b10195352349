"use client";

import { useEffect, useState } from "react";

/**
 * Copies a text to the clipboard and says so for a moment. Pages served over
 * plain HTTP on another host have no clipboard API: the button then says it
 * could not copy instead of failing silently.
 */
export function CopyButton({ text, label, className }: { text: string | (() => string); label: string; className?: string }) {
  const [done, setDone] = useState<"copied" | "failed" | null>(null);
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(null), 1500);
    return () => clearTimeout(timer);
  }, [done]);
  return (
    <button
      type="button"
      className={`btn btn-small ${className ?? ""}`}
      onClick={() => {
        const value = typeof text === "function" ? text() : text;
        if (!navigator.clipboard) return setDone("failed");
        navigator.clipboard.writeText(value).then(
          () => setDone("copied"),
          () => setDone("failed"),
        );
      }}
    >
      {done === "copied" ? "Copied" : done === "failed" ? "Could not copy" : label}
    </button>
  );
}
