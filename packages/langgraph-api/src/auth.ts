import { createMiddleware } from "hono/factory";
import { HttpError } from "./http-errors.ts";
import type { ShimEnv } from "./env.ts";

/** Every endpoint but /ok and /info needs a caller: an API key or a signed-in session, as for the tRPC API. */
export const requireCaller = createMiddleware<ShimEnv>(async (c, next) => {
  const caller = await c.var.services.auth.callerOf(c.req.raw.headers);
  if (!caller) throw new HttpError(401, "missing or invalid credentials: send an API key as `x-api-key` or `Authorization: Bearer`");
  c.set("caller", caller);
  await next();
});

/**
 * A write sent with the session cookie from another site's page is refused before
 * any route sees it (auth decides what is one); reads and API-key calls pass.
 */
export const refuseCrossSiteWrites = createMiddleware<ShimEnv>(async (c, next) => {
  const refusal = c.var.services.auth.crossSiteWrite(c.req.raw);
  if (refusal) throw new HttpError(403, refusal);
  await next();
});
