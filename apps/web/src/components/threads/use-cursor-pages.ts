"use client";

import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

/**
 * A cursor-paged list ({ items, nextCursor }) a page at a time. The tRPC helper
 * `infiniteQueryOptions` is not used because it adds a `direction` field to the
 * input, which the API's strict list inputs refuse; pages are fetched with the
 * plain client instead, under the procedure's infinite query key so that path
 * filters (`trpc.x.y.pathFilter()`) still invalidate them.
 */
export function useCursorPages<TPage extends { nextCursor: string | null }>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<TPage>,
) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}
