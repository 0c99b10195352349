import { InvalidCursorError, lostRaceKind } from "@lgrs/db";
/**
 * Errors the runtime reports to its callers (the tRPC API and the REST shim map
 * each kind to a status: not found 404, conflict 409, invalid 422, unavailable 503).
 */
export class RuntimeError extends Error {
  override name = "RuntimeError";
}

/** The thread, run or assistant does not exist for this caller. */
export class NotFoundError extends RuntimeError {
  override name = "NotFoundError";
}

/** A multitask strategy refused the run (`reject` while the thread has one in flight). */
export class ConflictError extends RuntimeError {
  override name = "ConflictError";
}

/** The request names something that cannot work (an unknown graph, a bad option, a value the graph refuses). */
export class InvalidRequestError extends RuntimeError {
  override name = "InvalidRequestError";
}

/** The server is shutting down and takes no new runs. */
export class ShuttingDownError extends RuntimeError {
  override name = "ShuttingDownError";
  constructor() {
    super("the server is shutting down and accepts no new runs");
  }
}

export type ErrorKind = "not_found" | "conflict" | "invalid" | "unavailable";

/**
 * What a runtime or repository error means to a caller, for the API layers to
 * give it their status (tRPC code, HTTP status). Null: a fault of ours.
 */
export function classifyError(err: unknown): { kind: ErrorKind; message: string } | null {
  if (err instanceof NotFoundError) return { kind: "not_found", message: err.message };
  if (err instanceof ConflictError) return { kind: "conflict", message: err.message };
  if (err instanceof InvalidRequestError || err instanceof InvalidCursorError) return { kind: "invalid", message: err.message };
  if (err instanceof ShuttingDownError) return { kind: "unavailable", message: err.message };
  const race = lostRaceKind(err);
  if (race) return { kind: race, message: race === "conflict" ? "it already exists" : "it no longer exists" };
  return null;
}
