import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { notFound } from "../errors.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { date, page, uuid } from "../validators.ts";

export const accountRouter = router({
  /** Who the caller is. */
  me: protectedProcedure.query(({ ctx }) => {
    const { userId, email, role, via } = ctx.caller;
    return { userId, email, role, via };
  }),

  /**
   * Who the caller may filter lists by, by email: every operator for an admin
   * (whether or not their rows are loaded yet), else only the caller.
   */
  owners: protectedProcedure
    .input(
      z
        .object({ limit: z.number().int().min(1).max(500).optional() })
        .strict()
        .default({}),
    )
    .query(({ ctx, input }) => ctx.runtime.owners.list(ctx.caller, input.limit)),

  /** A new API key for the caller; the key itself is returned this once only. */
  createApiKey: protectedProcedure
    .input(
      z
        .object({ name: z.string().trim().min(1).max(100).optional(), expiresAt: date.optional() })
        .strict()
        .default({}),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.expiresAt && input.expiresAt <= new Date())
        throw new TRPCError({ code: "BAD_REQUEST", message: "expiresAt: must be in the future" });
      return ctx.auth.createApiKey(ctx.caller.userId, input);
    }),

  listApiKeys: protectedProcedure
    .input(
      z
        .object({ ...page })
        .strict()
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => ctx.auth.listApiKeys(ctx.caller.userId, input)),

  revokeApiKey: protectedProcedure.input(z.object({ keyId: uuid }).strict()).mutation(async ({ ctx, input }) => {
    if (!(await ctx.auth.revokeApiKey(ctx.caller.userId, input.keyId))) throw notFound(`API key ${input.keyId}`);
    return { keyId: input.keyId, revoked: true as const };
  }),
});
