import { z } from "zod";
import { STREAM_MODES } from "@lgrs/runtime";

/** Request bodies of the LangGraph Platform API (field names as the SDK sends them). */

export const jsonObject = z.record(z.string(), z.unknown());
const nodeNames = z.union([z.array(z.string()), z.literal("*")]);
const streamMode = z.enum(STREAM_MODES);

export const runStatus = z.enum(["pending", "running", "success", "error", "timeout", "interrupted"]);
export const cancelAction = z.enum(["interrupt", "rollback"]);

/** The body of every run creation: thread runs, stateless runs, batches. */
export const runCreateBody = z
  .object({
    assistant_id: z.string().min(1),
    input: z.unknown().optional(),
    command: z.object({ resume: z.unknown().optional(), update: z.unknown().optional(), goto: z.unknown().optional() }).strict().nullish(),
    config: z
      .object({
        configurable: jsonObject.optional(),
        tags: z.array(z.string()).optional(),
        recursion_limit: z.number().int().positive().optional(),
      })
      .passthrough()
      .nullish(),
    context: jsonObject.nullish(),
    metadata: jsonObject.nullish(),
    stream_mode: z.union([streamMode, z.array(streamMode)]).optional(),
    stream_subgraphs: z.boolean().nullish(),
    stream_resumable: z.boolean().nullish(),
    feedback_keys: z.array(z.string()).nullish(),
    interrupt_before: nodeNames.nullish(),
    interrupt_after: nodeNames.nullish(),
    checkpoint: z.object({ checkpoint_id: z.string().optional(), checkpoint_ns: z.string().optional() }).passthrough().nullish(),
    checkpoint_id: z.string().nullish(),
    webhook: z.url({ protocol: /^https?$/ }).nullish(),
    multitask_strategy: z.enum(["reject", "interrupt", "rollback", "enqueue"]).nullish(),
    on_completion: z.enum(["delete", "keep"]).nullish(),
    on_disconnect: z.enum(["cancel", "continue"]).nullish(),
    after_seconds: z.number().min(0).nullish(),
    if_not_exists: z.enum(["create", "reject"]).nullish(),
    checkpoint_during: z.boolean().nullish(),
    durability: z.enum(["sync", "async", "exit"]).nullish(),
    strict_resume: z.boolean().nullish(),
    langsmith_tracer: jsonObject.nullish(),
  })
  .strict();

export type RunCreateBody = z.output<typeof runCreateBody>;

/** `?wait=1&action=rollback` style flags: 1/0, true/false. */
export const flag = z.enum(["1", "0", "true", "false"]).transform((v) => v === "1" || v === "true");
