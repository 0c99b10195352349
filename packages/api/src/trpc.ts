import { initTRPC, TRPCError } from "@trpc/server";
import { transformer } from "./transformer.ts";
import { ZodError } from "zod";
import { classifyError, findUnstorable, InvalidRequestError } from "@lgrs/runtime";
import type { Context } from "./context.ts";
import { toTRPCError } from "./errors.ts";

/** One invalid field of an input: where it is and what is wrong with it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Zod's issues as one entry per bad field; an unknown key is named as the field it is. */
function fieldIssues(error: ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...at, key].join("."), message: "unknown field" }));
    }
    return [{ path: at.join(".") || "(input)", message: issue.message }];
  });
}

/** A runtime refusal that names the input field at fault (`graphId`, `metadata.created_by`), as one issue. */
function runtimeFieldIssue(cause: unknown): FieldIssue[] | null {
  const known = classifyError(cause);
  return known?.field ? [{ path: known.field, message: known.message }] : null;
}

const t = initTRPC.context<Context>().create({
  transformer,
  // SSE keep-alive so proxies do not cut an idle subscription
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    const issues = error.cause instanceof ZodError ? fieldIssues(error.cause) : runtimeFieldIssue(error.cause);
    // no stack traces to callers: our own faults are logged on the server
    const { stack: _stack, ...data } = shape.data;
    // nor the text of our own faults (a driver's message names tables and values)
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      // "runId: Invalid UUID" rather than zod's JSON dump
      message: issues
        ? issues.map((i) => `${i.path}: ${i.message}`).join("; ")
        : internal
          ? "internal error: the server logged it"
          : shape.message,
      data: { ...data, issues },
    };
  },
});

/** Maps runtime errors (not found, conflict, invalid) to their tRPC codes. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause ?? result.error);
    if (mapped instanceof TRPCError) result.error = mapped;
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** A mutation is a write whatever the method: one sent with the session cookie from another site is refused. */
const refuseCrossSiteWrites = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && ctx.crossSiteWrite) throw new TRPCError({ code: "FORBIDDEN", message: ctx.crossSiteWrite });
  return next();
});

/**
 * Input no database can take (NUL, half a surrogate pair, an over-long key) or nested past the
 * limit is refused before any schema or service sees it, naming the field.
 */
const refuseUnstorableInput = t.middleware(async ({ ctx, getRawInput, next }) => {
  const problem = findUnstorable(await getRawInput(), ctx.runtime.limits.maxJsonDepth);
  if (problem) throw new InvalidRequestError(problem.message, { field: problem.field });
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(refuseCrossSiteWrites).use(refuseUnstorableInput);

/** Every procedure but health needs a caller; its `scope` limits what it sees. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in, or send an API key as `x-api-key` or `Authorization: Bearer`" });
  }
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});
