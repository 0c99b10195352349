import { A2AError } from "@a2a-js/sdk/server";
import { z } from "zod";

/**
 * The params of each A2A method this endpoint serves, checked before any use (the
 * SDK's transport handler only checks that params are an object). Objects stay
 * open: A2A lets clients add fields (extensions) we do not read.
 */
const metadata = z.record(z.string(), z.unknown()).optional();

const part = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string(), metadata }),
  z.object({ kind: z.literal("data"), data: z.record(z.string(), z.unknown()), metadata }),
  z.object({ kind: z.literal("file"), file: z.object({}).passthrough(), metadata }),
]);

const message = z.object({
  kind: z.literal("message"),
  role: z.enum(["user", "agent"]),
  messageId: z.string().min(1),
  parts: z.array(part).min(1),
  contextId: z.string().min(1).optional(),
  taskId: z.string().min(1).optional(),
  referenceTaskIds: z.array(z.string()).optional(),
  extensions: z.array(z.string()).optional(),
  metadata,
});

export const messageSendParams = z.object({
  message,
  configuration: z
    .object({
      blocking: z.boolean().optional(),
      historyLength: z.number().int().min(0).optional(),
      acceptedOutputModes: z.array(z.string()).optional(),
    })
    .optional(),
  metadata,
});

export const taskQueryParams = z.object({ id: z.string().min(1), historyLength: z.number().int().min(0).optional(), metadata });

export const taskIdParams = z.object({ id: z.string().min(1), metadata });

/** The params as `schema` reads them; A2A's invalid-params error naming each bad field (`params.message.role`) otherwise. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => `${["params", ...issue.path.map(String)].join(".")}: ${issue.message}`);
  throw A2AError.invalidParams(fields.join("; "));
}

/** A message as sent, once checked. */
export type SentMessage = z.output<typeof message>;
