import { randomUUID } from "node:crypto";
import type {
  AgentCard,
  Message,
  MessageSendParams,
  Task,
  TaskArtifactUpdateEvent,
  TaskIdParams,
  TaskPushNotificationConfig,
  TaskQueryParams,
  TaskStatusUpdateEvent,
} from "@a2a-js/sdk";
import { A2AError, type A2ARequestHandler } from "@a2a-js/sdk/server";
import type { Caller } from "@lgrs/auth";
import {
  classifyError,
  FINAL_STATUSES,
  type Assistant,
  type CreateRunRequest,
  type Run,
  type RunEvents,
  type RunOutcome,
  type Runtime,
} from "@lgrs/runtime";
import { messageSendParams, parseParams, type SentMessage, taskIdParams, taskQueryParams } from "./params.ts";
import { runToTask, taskState } from "./task-mapping.ts";

type StreamEvent = Task | Message | TaskStatusUpdateEvent | TaskArtifactUpdateEvent;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A runtime error as the A2A error a client acts on: an unknown task is A2A's
 * task-not-found, a refused request invalid params; our own faults are logged and
 * never described (their words may carry internals).
 */
function toA2AError(runtime: Runtime, err: unknown, taskId?: string): A2AError {
  if (err instanceof A2AError) return err;
  const known = classifyError(err);
  if (known?.kind === "not_found" && taskId) return A2AError.taskNotFound(taskId);
  if (known) return A2AError.invalidParams(known.field ? `${known.field}: ${known.message}` : known.message);
  runtime.reportError("a2a: request failed", err);
  return A2AError.internalError("internal error: the server logged it");
}

/**
 * The graph input a user message stands for: its text parts as one human message
 * (A2A agents keep a `messages` state), its data parts merged in as state keys.
 * File parts are refused: nothing here stores files.
 */
function messageInput(message: SentMessage): { input: Record<string, unknown>; text: string } {
  if (message.role !== "user") throw A2AError.invalidParams("params.message.role: only a user message can be sent to an agent");
  const input: Record<string, unknown> = {};
  const texts: string[] = [];
  for (const part of message.parts ?? []) {
    if (part.kind === "text") texts.push(part.text);
    else if (part.kind === "data") Object.assign(input, part.data);
    else throw A2AError.invalidParams(`params.message.parts: a ${part.kind} part is not supported (text and data parts are)`);
  }
  const text = texts.join("\n");
  if (texts.length) input.messages = [{ role: "user", content: text }];
  if (Object.keys(input).length === 0) throw A2AError.invalidParams("params.message.parts: no text or data part to send");
  return { input, text };
}

/**
 * One assistant as an A2A agent, for one caller: a task is a run, its context the
 * run's thread, and every call goes through the runtime's run and thread services,
 * so tasks are ordinary runs (listed, cancelled, rolled back like any) and the
 * caller reaches only their own (another user's task reads as unknown).
 */
export class AssistantAgent implements A2ARequestHandler {
  constructor(
    private readonly runtime: Runtime,
    private readonly caller: Caller,
    private readonly assistant: Assistant,
    private readonly card: AgentCard,
  ) {}

  async getAgentCard(): Promise<AgentCard> {
    return this.card;
  }

  async getAuthenticatedExtendedAgentCard(): Promise<AgentCard> {
    throw A2AError.authenticatedExtendedCardNotConfigured();
  }

  /**
   * The run a message asks for. With `taskId` it answers a task waiting for input
   * (the run resumes the graph with the message); with `contextId` it continues that
   * thread, which must be one of the caller's; with neither it starts a new thread.
   */
  private async runRequest(params: MessageSendParams): Promise<CreateRunRequest> {
    const { message } = parseParams(messageSendParams, params);
    const { input, text } = messageInput(message);
    const metadata = { source: "a2a", a2a_message_id: message.messageId };
    if (message.taskId) {
      const prior = await this.runtime.runs.get(this.caller, message.taskId).catch((err: unknown) => {
        throw toA2AError(this.runtime, err, message.taskId);
      });
      if (message.contextId && message.contextId !== prior.threadId)
        throw A2AError.invalidParams(`params.message.contextId: task ${prior.id} belongs to context ${prior.threadId}`);
      const thread = await this.runtime.threads.get(this.caller, prior.threadId);
      const state = taskState(prior.status, thread.status === "interrupted");
      if (state !== "input-required")
        throw A2AError.invalidParams(`params.message.taskId: task ${prior.id} is ${state}: only a task waiting for input takes a reply`);
      return { threadId: prior.threadId, assistantId: this.assistant.id, command: { resume: text || input }, metadata };
    }
    if (message.contextId) {
      // contexts are the server's to make (A2A): an unknown one, or another user's, is refused alike
      if (!UUID.test(message.contextId)) throw A2AError.invalidParams(`params.message.contextId: context ${message.contextId} not found`);
      return { threadId: message.contextId.toLowerCase(), assistantId: this.assistant.id, input, metadata };
    }
    return { threadId: randomUUID(), ifNotExists: "create", assistantId: this.assistant.id, input, metadata };
  }

  /** The task a finished run is: its values, or its error; input-required when its thread waits. */
  private async finishedTask({ run, values, error }: RunOutcome): Promise<Task> {
    // a stateless thread may be gone by now: then nothing waits on it
    const thread = await this.runtime.threads.get(this.caller, run.threadId).catch(() => null);
    return runToTask({ run, values, error, threadWaits: thread?.status === "interrupted" });
  }

  /**
   * A finished run's own result: the thread as this run left it, not as later runs
   * on the same context made it. Runs on a thread go one after another, so that is
   * the checkpoint the next run started from; with no next run that has started,
   * the thread's latest values are this run's.
   */
  private async ownOutcome(outcome: RunOutcome): Promise<RunOutcome> {
    const { run } = outcome;
    if (outcome.error) return outcome;
    const runs = await this.runtime.runs.listForThread(this.caller, run.threadId, { limit: 500 });
    const next = runs
      .filter((r) => r.createdAt > run.createdAt && r.checkpointId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
    if (!next?.checkpointId) return outcome;
    const state = await this.runtime.threads.state(this.caller, run.threadId, { checkpointId: next.checkpointId });
    return { ...outcome, values: state.values };
  }

  async sendMessage(params: MessageSendParams): Promise<Task> {
    try {
      const request = await this.runRequest(params);
      if (parseParams(messageSendParams, params).configuration?.blocking === false) {
        const run = await this.runtime.runs.create(this.caller, request);
        return runToTask({ run });
      }
      const outcome = await this.runtime.runs.createAndWait(this.caller, request);
      return await this.finishedTask(outcome);
    } catch (err) {
      throw toA2AError(this.runtime, err);
    }
  }

  /**
   * The task as it starts, `working` once the graph runs, the answer as an artifact,
   * then the final status. The run's events come from the stream bridge like any
   * run's; its end is read from the run service.
   */
  async *sendMessageStream(params: MessageSendParams): AsyncGenerator<StreamEvent, void, undefined> {
    let events: RunEvents;
    try {
      events = await this.runtime.runs.createAndStream(this.caller, { ...(await this.runRequest(params)), streamMode: ["values"] });
    } catch (err) {
      throw toA2AError(this.runtime, err);
    }
    const { run } = events;
    yield runToTask({ run });
    let working = false;
    for await (const item of events.items) {
      if (item.type === "end") break;
      if (item.type !== "event" || working) continue;
      working = true;
      yield this.statusUpdate(run, "working", false);
    }
    const task = await this.finishedTask(await this.runtime.runs.wait(this.caller, run.id));
    if (task.artifacts?.[0]) {
      yield { kind: "artifact-update", taskId: run.id, contextId: run.threadId, artifact: task.artifacts[0], lastChunk: true };
    }
    yield { kind: "status-update", taskId: run.id, contextId: run.threadId, status: task.status, final: true, metadata: task.metadata };
  }

  private statusUpdate(run: Run, state: "working", final: boolean): TaskStatusUpdateEvent {
    return {
      kind: "status-update",
      taskId: run.id,
      contextId: run.threadId,
      status: { state, timestamp: new Date().toISOString() },
      final,
    };
  }

  async getTask(params: TaskQueryParams): Promise<Task> {
    try {
      parseParams(taskQueryParams, params);
      const run = await this.runtime.runs.get(this.caller, params.id);
      if (run.assistantId !== this.assistant.id) throw A2AError.taskNotFound(params.id);
      if (!(FINAL_STATUSES as readonly string[]).includes(run.status)) return runToTask({ run });
      return await this.finishedTask(await this.ownOutcome(await this.runtime.runs.wait(this.caller, run.id)));
    } catch (err) {
      throw toA2AError(this.runtime, err, params.id);
    }
  }

  /** Cancels the run (interrupt: the thread keeps what the run wrote so far), waiting for it to stop. */
  async cancelTask(params: TaskIdParams): Promise<Task> {
    try {
      parseParams(taskIdParams, params);
      const run = await this.runtime.runs.get(this.caller, params.id);
      if (run.assistantId !== this.assistant.id) throw A2AError.taskNotFound(params.id);
      if ((FINAL_STATUSES as readonly string[]).includes(run.status)) throw A2AError.taskNotCancelable(params.id);
      const cancelled = await this.runtime.runs.cancel(this.caller, run.id, { action: "interrupt", wait: true, door: "langgraph-api" });
      return runToTask({ run: cancelled });
    } catch (err) {
      throw toA2AError(this.runtime, err, params.id);
    }
  }

  // ---- push notifications and resubscription: not offered (the agent card says so)

  async setTaskPushNotificationConfig(): Promise<TaskPushNotificationConfig> {
    throw A2AError.pushNotificationNotSupported();
  }
  async getTaskPushNotificationConfig(): Promise<TaskPushNotificationConfig> {
    throw A2AError.pushNotificationNotSupported();
  }
  async listTaskPushNotificationConfigs(): Promise<TaskPushNotificationConfig[]> {
    throw A2AError.pushNotificationNotSupported();
  }
  async deleteTaskPushNotificationConfig(): Promise<void> {
    throw A2AError.pushNotificationNotSupported();
  }
  // biome-ignore lint/correctness/useYield: refused before any event
  async *resubscribe(): AsyncGenerator<Task | TaskStatusUpdateEvent | TaskArtifactUpdateEvent, void, undefined> {
    throw A2AError.unsupportedOperation("tasks/resubscribe");
  }
}
