import { InvalidCursorError, InvalidWindowError, lostRaceKind, refusedValue } from "@lgrs/db";
/**
 * Errors the runtime reports to its callers (the tRPC API and the REST shim map
 * each kind to a status: not found 404, forbidden 403, conflict 409, invalid 422, unavailable 503).
 */
export class RuntimeError extends Error {
  override name = "RuntimeError";
}

/** The thread, run or assistant does not exist for this caller. */
export class NotFoundError extends RuntimeError {
  override name = "NotFoundError";
}

/** The caller may not do this at all (not a matter of what it owns): a door answers 403 with the message. */
export class ForbiddenError extends RuntimeError {
  override name = "ForbiddenError";
}

/** A multitask strategy refused the run (`reject` while the thread has one in flight). */
export class ConflictError extends RuntimeError {
  override name = "ConflictError";
}

/** The request names something that cannot work (an unknown graph, a bad option, a value the graph refuses). */
export class InvalidRequestError extends RuntimeError {
  override name = "InvalidRequestError";
  /** the input field at fault as the service names it (`graphId`, `metadata.created_by`), for the doors to name it in theirs */
  readonly field?: string;
  constructor(message: string, options?: ErrorOptions & { field?: string }) {
    super(message, options);
    if (options?.field) this.field = options.field;
  }
}

/** A value is bigger than the server takes (a store value over its limit); `field` names it. */
export class TooLargeError extends RuntimeError {
  override name = "TooLargeError";
  readonly field: string;
  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

/** The server is shutting down and takes no new runs. */
export class ShuttingDownError extends RuntimeError {
  override name = "ShuttingDownError";
  constructor() {
    super("the server is shutting down and accepts no new runs");
  }
}

/**
 * A cron's tick was claimed by another instance of the fleet first: this one
 * creates no run. Internal to the ticker; no door sees it.
 */
export class TickTakenError extends RuntimeError {
  override name = "TickTakenError";
  constructor(readonly cronId: string) {
    super(`the tick of cron ${cronId} was claimed by another instance`);
  }
}

export type ErrorKind = "not_found" | "forbidden" | "conflict" | "invalid" | "too_large" | "unavailable";

/**
 * What a runtime or repository error means to a caller, for the API layers to
 * give it their status (tRPC code, HTTP status). Null: a fault of ours.
 */
export function classifyError(err: unknown): { kind: ErrorKind; message: string; field?: string } | null {
  if (err instanceof NotFoundError) return { kind: "not_found", message: err.message };
  if (err instanceof ForbiddenError) return { kind: "forbidden", message: err.message };
  if (err instanceof ConflictError) return { kind: "conflict", message: err.message };
  if ((err instanceof InvalidRequestError || err instanceof InvalidWindowError) && err.field) {
    return { kind: "invalid", message: err.message, field: err.field };
  }
  if (err instanceof InvalidRequestError || err instanceof InvalidCursorError) return { kind: "invalid", message: err.message };
  if (err instanceof TooLargeError) return { kind: "too_large", message: err.message, field: err.field };
  if (err instanceof ShuttingDownError) return { kind: "unavailable", message: err.message };
  if (refusedValue(err)) {
    return {
      kind: "invalid",
      message: "the database cannot store a value of this request (a character, length or number it does not take)",
    };
  }
  const race = lostRaceKind(err);
  if (race) return { kind: race, message: race === "conflict" ? "it already exists" : "it no longer exists" };
  return null;
}
