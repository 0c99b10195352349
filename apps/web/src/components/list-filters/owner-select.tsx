"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "@/lib/trpc.tsx";
import styles from "./list-filters.module.css";

/** One owner an admin may filter a list by. */
export interface OwnerOption {
  id: string;
  email: string;
}

/**
 * An admin's owner filter. The choices are every operator (`useOwners`), and the
 * one in the address even before anything has loaded.
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

/**
 * The owners an admin's list can name and filter by, by id: every operator the
 * server lists (owners with no rows loaded yet included), and the owners every
 * loaded page names (an owner beyond the directory's cap stays nameable).
 */
export function useOwners(admin: boolean, pages: { owners: Record<string, OwnerOption> }[] | undefined): Map<string, OwnerOption> {
  const trpc = useTRPC();
  const directory = useQuery({ ...trpc.account.owners.queryOptions({}), enabled: admin });
  return useMemo(() => {
    const map = new Map<string, OwnerOption>();
    for (const o of directory.data ?? []) map.set(o.id, { id: o.id, email: o.email });
    for (const page of pages ?? []) for (const o of Object.values(page.owners)) map.set(o.id, { id: o.id, email: o.email });
    return map;
  }, [directory.data, pages]);
}
