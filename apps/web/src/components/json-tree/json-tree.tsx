"use client";

import type { ReactNode } from "react";
import styles from "./json-tree.module.css";

/** Levels open at first: deeper objects start folded, so a large state is readable from the top. */
const OPEN_DEPTH = 2;
/** Items of one array or object drawn before "n more": a run's state can hold thousands of messages. */
const MAX_ITEMS = 200;

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null;
}

function Leaf({ value }: { value: unknown }) {
  if (typeof value === "string") return <span className={styles.string}>{JSON.stringify(value)}</span>;
  if (typeof value === "number" || typeof value === "boolean") return <span className={styles.number}>{String(value)}</span>;
  return <span className={styles.null}>null</span>;
}

function Entries({ value, depth }: { value: Record<string, unknown> | unknown[]; depth: number }) {
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return (
    <ul className={styles.list}>
      {entries.slice(0, MAX_ITEMS).map(([key, v]) => (
        <li key={key}>
          <Node name={Array.isArray(value) ? null : key} index={Array.isArray(value) ? key : null} value={v} depth={depth + 1} />
        </li>
      ))}
      {entries.length > MAX_ITEMS ? <li className={styles.more}>… {entries.length - MAX_ITEMS} more</li> : null}
    </ul>
  );
}

function Node({ name, index, value, depth }: { name: string | null; index: string | null; value: unknown; depth: number }) {
  const label: ReactNode =
    name !== null ? (
      <span className={styles.key}>{JSON.stringify(name)}: </span>
    ) : index !== null ? (
      <span className={styles.index}>{index}: </span>
    ) : null;
  if (!isContainer(value)) {
    return (
      <span className={styles.row}>
        {label}
        <Leaf value={value} />
      </span>
    );
  }
  const size = Array.isArray(value) ? value.length : Object.keys(value).length;
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (size === 0) {
    return (
      <span className={styles.row}>
        {label}
        <span className={styles.punct}>{`${open}${close}`}</span>
      </span>
    );
  }
  return (
    <details open={depth < OPEN_DEPTH} className={styles.node}>
      <summary className={styles.row}>
        {label}
        <span className={styles.punct}>{open}</span>
        <span className={styles.count}>
          {size} {Array.isArray(value) ? (size === 1 ? "item" : "items") : size === 1 ? "key" : "keys"}
        </span>
        <span className={styles.punct}>{close}</span>
      </summary>
      <Entries value={value} depth={depth} />
    </details>
  );
}

/** A JSON value as a tree whose objects and arrays fold and unfold (native details elements: keyboard and screen reader work as is). */
export function JsonTree({ value, label, className }: { value: unknown; label: string; className?: string }) {
  return (
    <div className={`${styles.tree} ${className ?? ""}`} role="group" aria-label={label} tabIndex={-1}>
      <Node name={null} index={null} value={value ?? null} depth={0} />
    </div>
  );
}
