import { MAX_SEARCH_LIMIT } from "@lgrs/db";
import { InvalidRequestError } from "./errors.ts";

/** A search's `limit` and `offset`, checked before any query: a bad one is the caller's mistake. */
export function checkWindow(window: { limit?: number; offset?: number }): void {
  const { limit, offset } = window;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT)) {
    throw new InvalidRequestError(`limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}, not ${limit}`, { field: "limit" });
  }
  if (offset !== undefined && (!Number.isInteger(offset) || offset < 0)) {
    throw new InvalidRequestError(`offset must be a whole number, 0 or more, not ${offset}`, { field: "offset" });
  }
}
