/**
 * How the dashboard reads the API's cursor-paged lists ({ items, nextCursor }):
 * `useInfiniteQuery(trpc.x.list.infiniteQueryOptions(input, CURSOR_PAGES))`.
 * Each page starts at the previous page's `nextCursor` (tRPC sends it as
 * `cursor`); the last page has none, so there is no next page. A page's request
 * is aborted when its query is cancelled (the list left the screen, or its input
 * changed before the page arrived).
 */
export const CURSOR_PAGES = {
  getNextPageParam: (page: { nextCursor: string | null }) => page.nextCursor,
  trpc: { abortOnUnmount: true },
};
