import { z } from "zod";

/** Inputs shared by several routers; every procedure validates its input with zod at the edge. */
export const uuid = z.uuid();
export const jsonObject = z.record(z.string(), z.unknown());

export const page = {
  /** the `nextCursor` of the previous page */
  cursor: z.string().min(1).nullish(),
  limit: z.number().int().min(1).max(500).default(50),
  /** sent by React Query's infinite queries; pages only go forward */
  direction: z.enum(["forward", "backward"]).optional(),
};

/** A time window [from, to); `to` defaults to now. */
export const window = {
  from: z.date().optional(),
  to: z.date().optional(),
};
