"use client";

import styles from "./list-filters.module.css";

/** One owner an admin may filter a list by. */
export interface OwnerOption {
  id: string;
  email: string;
}

/**
 * An admin's owner filter. The choices are the owners of the rows listed so far
 * (and the one in the address, even before its rows have loaded).
 */
export function OwnerSelect({
  id,
  value,
  owners,
  onChange,
}: {
  id: string;
  value: string | "all";
  owners: OwnerOption[];
  onChange: (ownerId: string | "all") => void;
}) {
  const choices = value !== "all" && !owners.some((o) => o.id === value) ? [...owners, { id: value, email: value }] : owners;
  return (
    <label htmlFor={id}>
      <span>Owner</span>
      <select id={id} className={styles.ownerSelect} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="all">everyone</option>
        {[...choices]
          .sort((a, b) => a.email.localeCompare(b.email))
          .map((o) => (
            <option key={o.id} value={o.id}>
              {o.email}
            </option>
          ))}
      </select>
    </label>
  );
}

/** The owners named by every page loaded so far, by id. */
export function ownersOf(pages: { owners: Record<string, OwnerOption> }[] | undefined): Map<string, OwnerOption> {
  const map = new Map<string, OwnerOption>();
  for (const page of pages ?? []) for (const o of Object.values(page.owners)) map.set(o.id, { id: o.id, email: o.email });
  return map;
}
