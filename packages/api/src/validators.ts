import { z } from "zod";

/** Inputs shared by several routers; every procedure validates its input with zod at the edge. */
export const uuid = z.uuid();
export const jsonObject = z.record(z.string(), z.unknown());

/** A moment both databases can store: from 1970 to the end of year 9999. */
export const date = z
  .date()
  .min(new Date(0), "must be 1970 or later")
  .max(new Date("9999-12-31T23:59:59.999Z"), "must be in year 9999 or earlier");

export const page = {
  /** the `nextCursor` of the previous page */
  cursor: z.string().min(1).nullish(),
  limit: z.number().int().min(1).max(500).default(50),
  /** sent by React Query's infinite queries; pages only go forward */
  direction: z.enum(["forward", "backward"]).optional(),
};

/** A time window [from, to); `to` defaults to now. */
export const window = {
  from: date.optional(),
  to: date.optional(),
};
