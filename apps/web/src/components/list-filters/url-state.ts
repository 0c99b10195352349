"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback } from "react";

/**
 * A list page's filters kept in its address: a link or a reload shows the same
 * view. `read` turns the query string into filters, `write` filters into query
 * parameters (empty values are left out). A change replaces the address through
 * the History API, which Next keeps `useSearchParams` in step with: no request to
 * the server, and no history entry per filter touched.
 */
export function useUrlFilters<F>(read: (params: URLSearchParams) => F, write: (filters: F) => Record<string, string | undefined>) {
  const params = useSearchParams();
  const pathname = usePathname();
  const filters = read(new URLSearchParams(params.toString()));
  const setFilters = useCallback(
    (next: F) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(write(next))) if (value) query.set(key, value);
      const qs = query.toString();
      window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
    },
    [pathname, write],
  );
  return [filters, setFilters] as const;
}
