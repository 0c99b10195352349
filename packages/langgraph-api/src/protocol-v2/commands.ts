import type { Caller } from "@lgrs/auth";
import { type AgentTreeNode, schemas, type CreateRunRequest, type Runtime } from "@lgrs/runtime";
import { z } from "zod";
import { fieldErrors, fromRuntimeError } from "../http-errors.ts";
import type { ErrorCode, ProtocolCommand, ProtocolError, ProtocolResponse } from "./types.ts";

/** A command's envelope, as both transports receive it. */
export const commandEnvelope = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  params: z.record(z.string(), z.unknown()).optional(),
});

const record = z.record(z.string(), z.unknown());

/** `run.start`: the SDK sends `multitask_strategy` (and its camelCase twin) beside the protocol's fields. */
const runStartParams = z.object({
  assistant_id: z.string().min(1).max(1000),
  input: z.unknown().optional(),
  config: schemas.runnableConfig.optional(),
  metadata: record.optional(),
  context: record.optional(),
  multitask_strategy: schemas.multitaskStrategy.optional(),
  multitaskStrategy: schemas.multitaskStrategy.optional(),
});

const interruptResponse = z.object({ interrupt_id: z.string().min(1).max(1000), response: z.unknown() });

/** What a resume may carry beside the answers: LangGraph's Command(update, goto), the run's config and metadata. */
const resumeExtras = {
  update: record.optional(),
  goto: z.unknown().optional(),
  config: schemas.runnableConfig.optional(),
  metadata: record.optional(),
};

/** `input.respond`: one interrupt answered, or several at the same checkpoint. */
const inputRespondParams = z.union([
  interruptResponse.extend(resumeExtras),
  z.object({ responses: z.array(interruptResponse).min(1).max(100), ...resumeExtras }),
]);

/** A subgraph's namespace as events name it (`["research:<task id>"]`); empty for the root graph. */
const namespace = z.array(z.string().min(1).max(1000)).max(50);

const stateGetParams = z.object({ namespace: namespace.optional(), keys: z.array(z.string()).optional() }).passthrough();

const listCheckpointsParams = z
  .object({
    namespace: namespace.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    before: z.string().min(1).max(1000).optional(),
  })
  .passthrough();

const stateForkParams = z
  .object({ checkpoint_id: z.string().min(1).max(1000), input: z.unknown().optional(), config: schemas.runnableConfig.optional() })
  .passthrough();

const inputInjectParams = z
  .object({
    namespace: namespace.optional(),
    message: z
      .object({ role: z.enum(["user", "system"]), content: z.string().max(1_000_000), name: z.string().min(1).max(200).optional() })
      .passthrough(),
  })
  .passthrough();

/** A refusal, with the HTTP status the command endpoint answers it with (a WebSocket sends the frame alone). */
export class CommandError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const errors = fieldErrors("body.params", parsed.error);
  throw new CommandError(422, "invalid_argument", errors.map((e) => `${e.field}: ${e.message}`).join("; "));
}

export interface CommandContext {
  runtime: Runtime;
  caller: Caller;
  threadId: string;
}

/** The runs `client.threads.stream` starts: ordinary runs of the thread (created when missing), streaming protocol events. */
function runRequest(ctx: CommandContext, assistantId: string, fields: Partial<CreateRunRequest>): CreateRunRequest {
  return {
    threadId: ctx.threadId,
    assistantId,
    ifNotExists: "create",
    multitaskStrategy: "enqueue",
    streamSubgraphs: true,
    onDisconnect: "continue",
    protocol: "v2",
    ...fields,
  };
}

async function runStart(ctx: CommandContext, params: unknown) {
  const p = parse(runStartParams, params);
  const configurable = p.config?.configurable ?? {};
  // the SDK folds `forkFrom` into config.configurable.checkpoint_id, as the older run endpoints take it
  const checkpointId = typeof configurable["checkpoint_id"] === "string" ? configurable["checkpoint_id"] : undefined;
  const run = await ctx.runtime.runs.create(
    ctx.caller,
    runRequest(ctx, p.assistant_id, {
      input: p.input ?? null,
      config: p.config,
      metadata: p.metadata,
      context: p.context,
      multitaskStrategy: p.multitask_strategy ?? p.multitaskStrategy ?? "enqueue",
      ...(checkpointId ? { checkpointId } : {}),
    }),
  );
  return { run_id: run.id };
}

/** Resumes the thread's interrupted graph: a new run of the assistant its latest run used. */
async function inputRespond(ctx: CommandContext, params: unknown) {
  const p = parse(inputRespondParams, params);
  const answers = "responses" in p ? p.responses : [p];
  const assistantId = await latestAssistant(ctx, "resume");
  const state = await ctx.runtime.threads.state(ctx.caller, ctx.threadId);
  const pending = new Set(state.interrupts.map((i) => i.id));
  const unknown = answers.find((a) => !pending.has(a.interrupt_id));
  if (unknown) {
    throw new CommandError(
      409,
      "invalid_argument",
      `body.params.interrupt_id: the thread is not waiting on interrupt ${unknown.interrupt_id}`,
    );
  }
  // one answer resumes with its value; several go by interrupt id, as LangGraph's Command takes them
  const resume =
    answers.length === 1 && pending.size === 1
      ? answers[0]!.response
      : Object.fromEntries(answers.map((a) => [a.interrupt_id, a.response]));
  await ctx.runtime.runs.create(
    ctx.caller,
    runRequest(ctx, assistantId, {
      command: { resume, ...(p.update !== undefined ? { update: p.update } : {}), ...(p.goto !== undefined ? { goto: p.goto } : {}) },
      config: p.config,
      metadata: p.metadata,
      ifNotExists: "reject",
    }),
  );
  return {};
}

/** The assistant a thread's follow-up runs use: its latest run's (fork, inject), so the thread stays on its graph. */
async function latestAssistant(ctx: CommandContext, what: string): Promise<string> {
  const [latest] = await ctx.runtime.runs.listForThread(ctx.caller, ctx.threadId, { limit: 1 });
  if (!latest) throw new CommandError(404, "no_such_run", `the thread has no run to ${what}: call run.start first`);
  return latest.assistantId;
}

async function stateGet(ctx: CommandContext, params: unknown) {
  const { keys, namespace: ns } = parse(stateGetParams, params);
  const state = await ctx.runtime.threads.state(ctx.caller, ctx.threadId, ns?.length ? { namespace: ns } : {});
  const values = state.values as Record<string, unknown> | null;
  const picked =
    keys && values && typeof values === "object" ? Object.fromEntries(Object.entries(values).filter(([k]) => keys.includes(k))) : values;
  return {
    values: picked ?? {},
    ...(state.checkpoint ? { checkpoint: { id: state.checkpoint.checkpointId, ns: state.checkpoint.checkpointNs } } : {}),
  };
}

/** The thread's checkpoints (or a subgraph's), newest first: the time-travel list a client forks from. */
async function stateListCheckpoints(ctx: CommandContext, params: unknown) {
  const p = parse(listCheckpointsParams, params);
  const limit = p.limit ?? 10;
  // one more than asked: the node that wrote a checkpoint is what its parent had next
  const history = await ctx.runtime.threads.history(ctx.caller, ctx.threadId, {
    limit: limit + 1,
    ...(p.before ? { before: p.before } : {}),
    ...(p.namespace?.length ? { namespace: p.namespace } : {}),
  });
  return {
    checkpoints: history.slice(0, limit).flatMap((view, i) => {
      if (!view.checkpoint) return [];
      const step = typeof view.metadata["step"] === "number" ? view.metadata["step"] : -1;
      const parent = history[i + 1];
      const writer = parent && parent.checkpoint?.checkpointId === view.parentCheckpoint?.checkpointId ? parent.next : [];
      return [
        {
          id: view.checkpoint.checkpointId,
          timestamp: view.createdAt ?? new Date(0).toISOString(),
          step,
          ...(writer.length === 1 ? { node_name: writer[0] } : {}),
          metadata: view.metadata,
        },
      ];
    }),
  };
}

/** Time travel: a new run of the thread from one of its checkpoints, with new input (or none, to replay from there). */
async function stateFork(ctx: CommandContext, params: unknown) {
  const p = parse(stateForkParams, params);
  const assistantId = await latestAssistant(ctx, "fork");
  // the checkpoint must be the thread's (not found otherwise), before a run is queued for it
  await ctx.runtime.threads.state(ctx.caller, ctx.threadId, { checkpointId: p.checkpoint_id });
  const run = await ctx.runtime.runs.create(
    ctx.caller,
    runRequest(ctx, assistantId, { input: p.input ?? null, config: p.config, checkpointId: p.checkpoint_id, ifNotExists: "reject" }),
  );
  return { run_id: run.id, thread_id: ctx.threadId };
}

/**
 * A message the user (or system) sends while the agent works. A LangGraph run
 * cannot take input mid-step, so it becomes the thread's next run, queued after
 * the one in flight (started at once when none is): its input is the message,
 * appended to the `messages` channel as any chat input is.
 */
async function inputInject(ctx: CommandContext, params: unknown) {
  const p = parse(inputInjectParams, params);
  if (p.namespace?.length) {
    throw new CommandError(422, "not_supported", "body.params.namespace: input can only be injected into the root graph ([])");
  }
  const assistantId = await latestAssistant(ctx, "inject input into");
  const { role, content, name } = p.message;
  await ctx.runtime.runs.create(
    ctx.caller,
    runRequest(ctx, assistantId, { input: { messages: [{ role, content, ...(name ? { name } : {}) }] }, ifNotExists: "reject" }),
  );
  return {};
}

const agentGetTreeParams = z.object({ run_id: z.string().min(1).max(1000).optional() }).passthrough();

/** The protocol's tree: snake_case names, `children` only where there are some. */
function wireTree(node: AgentTreeNode): Record<string, unknown> {
  return {
    namespace: node.namespace,
    status: node.status,
    graph_name: node.graphName,
    ...(node.children.length ? { children: node.children.map(wireTree) } : {}),
  };
}

/** The run's graph and the subgraphs it has started (the thread's latest run unless `run_id` names one). */
async function agentGetTree(ctx: CommandContext, params: unknown) {
  const { run_id } = parse(agentGetTreeParams, params);
  return { tree: wireTree(await ctx.runtime.runs.agentTree(ctx.caller, ctx.threadId, run_id)) };
}

const HANDLERS: Record<string, (ctx: CommandContext, params: unknown) => Promise<unknown>> = {
  "run.start": runStart,
  "input.respond": inputRespond,
  "state.get": stateGet,
  "state.listCheckpoints": stateListCheckpoints,
  "state.fork": stateFork,
  "input.inject": inputInject,
  "agent.getTree": agentGetTree,
};

/** The protocol error frame for a refusal (or a runtime error: not found, conflict, invalid). */
export function errorFrame(id: number | null, err: unknown): { status: CommandError["status"]; frame: ProtocolError } | null {
  if (err instanceof CommandError) return { status: err.status, frame: { type: "error", id, error: err.code, message: err.message } };
  const http = fromRuntimeError(err);
  if (!http) return null;
  const code: ErrorCode = http.status === 404 ? "no_such_run" : "invalid_argument";
  return { status: http.status, frame: { type: "error", id, error: code, message: http.message } };
}

/**
 * Runs one command for the caller on the thread: each calls one runtime service
 * (runs.create for `run.start`, `input.respond`, `input.inject` and `state.fork`,
 * threads.state for `state.get`, threads.history for `state.listCheckpoints`).
 * Refusals are thrown (CommandError, or the runtime's own errors); our own faults too.
 */
export async function runCommand(ctx: CommandContext, command: ProtocolCommand): Promise<ProtocolResponse> {
  const handler = HANDLERS[command.method];
  if (!handler) throw new CommandError(400, "unknown_command", `body.method: unknown command "${command.method}"`);
  const result = await handler(ctx, command.params);
  return { type: "success", id: command.id, result, meta: { thread_id: ctx.threadId } };
}
