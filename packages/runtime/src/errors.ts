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

/** The request names something that cannot work (an unknown graph, a bad option). */
export class InvalidRunError extends RuntimeError {
  override name = "InvalidRunError";
}

/** The server is shutting down and takes no new runs. */
export class ShuttingDownError extends RuntimeError {
  override name = "ShuttingDownError";
  constructor() {
    super("the server is shutting down and accepts no new runs");
  }
}
