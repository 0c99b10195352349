import { classifyError, type ErrorKind } from "@lgrs/runtime";
import type { ZodError } from "zod";

/** One invalid field of a request: where it is (`body.input`, `query.limit`) and what is wrong. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An answer other than success, as the LangGraph API gives it: a status and
 * `{ detail }`; validation failures also list each bad field.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }

  body(): { detail: string; errors?: FieldError[] } {
    return this.errors ? { detail: this.message, errors: this.errors } : { detail: this.message };
  }
}

export function notFound(what: string): HttpError {
  return new HttpError(404, `${what} not found`);
}

export function invalid(errors: FieldError[]): HttpError {
  return new HttpError(422, errors.map((e) => `${e.field}: ${e.message}`).join("; "), errors);
}

/** Zod's issues as field errors under `where` (body, query, params); an unknown key is named as the field it is. */
export function fieldErrors(where: string, error: ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = [where, ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ field: [...at, key].join("."), message: "unknown field" }));
    return [{ field: at.join("."), message: issue.message }];
  });
}

const STATUSES: Record<ErrorKind, HttpError["status"]> = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  invalid: 422,
  too_large: 413,
  unavailable: 503,
};

/** The HTTP error a runtime or repository error stands for; null for our own faults. */
export function fromRuntimeError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  const known = classifyError(err);
  if (known?.field) {
    // the runtime names the field as its services take it (`graphId`); the body has it in snake_case
    // (`graph_id`); keys within it (`metadata.created_by`) are the caller's own, left as they are
    const [name = "", ...within] = known.field.split(".");
    const field = ["body", name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), ...within].join(".");
    return new HttpError(STATUSES[known.kind], `${field}: ${known.message}`, [{ field, message: known.message }]);
  }
  return known ? new HttpError(STATUSES[known.kind], known.message) : null;
}
