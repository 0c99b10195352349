import { z } from "zod";
import { schemas } from "@lgrs/runtime";

/** Request bodies of the LangGraph Platform API (field names as the SDK sends them). */

export const jsonObject = z.record(z.string(), z.unknown());

/** The body of every run creation: thread runs, stateless runs, batches. */
export const runCreateBody = z
  .object({
    assistant_id: schemas.name,
    input: z.unknown().optional(),
    command: schemas.runCommand.nullish(),
    config: schemas.runnableConfig.nullish(),
    context: schemas.jsonObject.nullish(),
    metadata: schemas.jsonObject.nullish(),
    stream_mode: z.union([schemas.streamMode, z.array(schemas.streamMode)]).optional(),
    stream_subgraphs: z.boolean().nullish(),
    stream_resumable: z.boolean().nullish(),
    feedback_keys: z.array(z.string()).nullish(),
    interrupt_before: schemas.nodeNames.nullish(),
    interrupt_after: schemas.nodeNames.nullish(),
    checkpoint: z.object({ checkpoint_id: z.string().optional(), checkpoint_ns: z.string().optional() }).passthrough().nullish(),
    checkpoint_id: z.string().nullish(),
    webhook: schemas.webhookUrl.nullish(),
    multitask_strategy: schemas.multitaskStrategy.nullish(),
    on_completion: schemas.onCompletion.nullish(),
    on_disconnect: schemas.onDisconnect.nullish(),
    after_seconds: schemas.afterSeconds.nullish(),
    if_not_exists: schemas.ifNotExists.nullish(),
    checkpoint_during: z.boolean().nullish(),
    durability: schemas.durability.nullish(),
    strict_resume: z.boolean().nullish(),
    langsmith_tracer: schemas.jsonObject.nullish(),
  })
  .strict();

export type RunCreateBody = z.output<typeof runCreateBody>;

/** `?wait=1&action=rollback` style flags: 1/0, true/false. */
export const flag = z.enum(["1", "0", "true", "false"]).transform((v) => v === "1" || v === "true");
