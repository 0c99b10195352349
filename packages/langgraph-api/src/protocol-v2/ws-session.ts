import type { Caller } from "@lgrs/auth";
import type { AgentTreeNode, Runtime } from "@lgrs/runtime";
import { z } from "zod";
import { fieldErrors } from "../http-errors.ts";
import { commandEnvelope, errorFrame, runCommand } from "./commands.ts";
import { matches } from "./filter.ts";
import { eventFilterBody } from "./routes.ts";
import { threadEvents } from "./thread-events.ts";
import type { EventFilter, ProtocolCommand, ProtocolError, ProtocolEvent, ProtocolResponse } from "./types.ts";

/** The socket as the session needs it: the server's WebSocket library stays outside this package. */
export interface ProtocolSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** The most events one connection keeps for late subscriptions to replay; older ones are dropped (a new socket replays from the store). */
const MAX_REPLAY = 20_000;

const subscribeParams = eventFilterBody;
const unsubscribeParams = z.object({ subscription_id: z.string().min(1).max(200) });
const reconnectParams = z
  .object({
    run_id: z.string().min(1).max(1000),
    last_event_id: z.string().min(1).max(2000).optional(),
    subscriptions: z.array(z.string().min(1).max(200)).max(100).optional(),
  })
  .passthrough();

/** Every namespace of an agent tree with its status, root first (`current_namespaces`). */
function namespacesOf(node: AgentTreeNode): { namespace: string[]; status: string }[] {
  return [{ namespace: node.namespace, status: node.status }, ...node.children.flatMap(namespacesOf)];
}

/**
 * One WebSocket connection on one thread: commands in, responses and the
 * subscribed events out, on the same ordered socket. Events come from the
 * thread's event log (threadEvents), read once per connection from the first
 * subscription on; a subscription gets its success response first, then every
 * matching event the connection has read so far (the replay), then live ones.
 * A reconnecting client opens a new socket and subscribes again: it replays the
 * thread's latest run from its first event and drops what it has by `event_id`;
 * on the same socket, `subscription.reconnect` resends a run's events after the
 * last one the client processed.
 */
export class ProtocolWsSession {
  private readonly subscriptions = new Map<string, EventFilter>();
  private readonly history: ProtocolEvent[] = [];
  private readonly stop = new AbortController();
  private reading: Promise<void> | undefined;
  private nextSubscription = 1;

  constructor(
    private readonly runtime: Runtime,
    private readonly caller: Caller,
    private readonly threadId: string,
    private readonly socket: ProtocolSocket,
  ) {}

  /** One frame from the client. Never throws: a bad frame is answered with an error frame. */
  async receive(text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.send({ type: "error", id: null, error: "invalid_argument", message: "body: a command must be JSON" });
      return;
    }
    const parsed = commandEnvelope.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === "number" ? (raw as { id: number }).id : null;
      const message = fieldErrors("body", parsed.error)
        .map((e) => `${e.field}: ${e.message}`)
        .join("; ");
      this.send({ type: "error", id, error: "invalid_argument", message });
      return;
    }
    const command = parsed.data;
    try {
      this.send(await this.handle(command));
    } catch (err) {
      const refused = errorFrame(command.id, err);
      if (!refused) this.runtime.reportError(`langgraph-api: protocol command ${command.method}`, err);
      this.send(
        refused?.frame ?? { type: "error", id: command.id, error: "unknown_error", message: "internal error: the server logged it" },
      );
    }
  }

  /** The client went away: stop reading the thread. */
  close(): void {
    this.stop.abort();
  }

  private async handle(command: ProtocolCommand): Promise<ProtocolResponse | null> {
    if (command.method === "subscription.subscribe") return this.subscribe(command);
    if (command.method === "subscription.reconnect") return this.reconnect(command);
    if (command.method === "subscription.unsubscribe") {
      const parsed = unsubscribeParams.safeParse(command.params ?? {});
      if (!parsed.success) return this.invalid(command.id, parsed.error);
      if (!this.subscriptions.delete(parsed.data.subscription_id)) {
        return { type: "error", id: command.id, error: "no_such_subscription", message: `no subscription ${parsed.data.subscription_id}` };
      }
      return { type: "success", id: command.id, result: {}, meta: { thread_id: this.threadId } };
    }
    return runCommand({ runtime: this.runtime, caller: this.caller, threadId: this.threadId }, command);
  }

  /** Answered here (null: nothing more to send): the response must go before the replay on the one socket. */
  private async subscribe(command: ProtocolCommand): Promise<ProtocolResponse | null> {
    const parsed = subscribeParams.safeParse(command.params ?? {});
    if (!parsed.success) return this.invalid(command.id, parsed.error);
    await this.startReading();
    const id = `sub-${this.nextSubscription++}`;
    // one synchronous block: no live event can slip in between the response and the replay
    this.send({ type: "success", id: command.id, result: { subscription_id: id }, meta: { thread_id: this.threadId } });
    for (const event of this.history) if (matches(parsed.data, event)) this.send(event);
    this.subscriptions.set(id, parsed.data);
    return null;
  }

  /**
   * `subscription.reconnect`: the client missed events of a run on this socket
   * (it fell behind, or it resumes after handling a gap) and names the last one it
   * processed. Subscriptions live as long as their socket: those it names that
   * this connection still has are restored and get every matching event of the
   * run after `last_event_id` again (the whole run when that id is unknown); a
   * client on a new socket gets `restored: false` and subscribes anew, which
   * replays. The run must be the thread's (the runtime's agent tree checks it,
   * and gives the namespaces' current status).
   */
  private async reconnect(command: ProtocolCommand): Promise<ProtocolResponse | null> {
    const parsed = reconnectParams.safeParse(command.params ?? {});
    if (!parsed.success) return this.invalid(command.id, parsed.error);
    const p = parsed.data;
    const tree = await this.runtime.runs.agentTree(this.caller, this.threadId, p.run_id);
    const asked = p.subscriptions ?? [...this.subscriptions.keys()];
    const kept = asked.filter((id) => this.subscriptions.has(id));
    const restored = kept.length > 0 && kept.length === asked.length;
    const ofRun = this.history.filter((e) => e.event_id.startsWith(`${p.run_id}:`));
    const last = p.last_event_id ? ofRun.findIndex((e) => e.event_id === p.last_event_id) : -1;
    const filters = kept.map((id) => this.subscriptions.get(id)!);
    const missed = restored ? ofRun.slice(last + 1).filter((e) => filters.some((f) => matches(f, e))) : [];
    // one synchronous block, as for subscribe: the response, then the missed events, then live ones
    this.send({
      type: "success",
      id: command.id,
      result: { restored, missed_events: missed.length, current_namespaces: namespacesOf(tree) },
      meta: { thread_id: this.threadId },
    });
    for (const event of missed) this.send(event);
    return null;
  }

  /** Opens the thread's events once (a foreign or missing thread fails the subscription), then pumps them. */
  private startReading(): Promise<void> {
    this.reading ??= this.read().catch((err: unknown) => {
      this.reading = undefined;
      throw err;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const events = await threadEvents(this.runtime, this.caller, this.threadId, this.stop.signal);
    void (async () => {
      for await (const event of events) {
        this.history.push(event);
        if (this.history.length > MAX_REPLAY) this.history.shift();
        if ([...this.subscriptions.values()].some((f) => matches(f, event))) this.send(event);
      }
    })().catch((err: unknown) => {
      if (this.stop.signal.aborted) return;
      this.runtime.reportError("langgraph-api: protocol event stream", err);
      this.socket.close(1011, "the thread's event stream failed");
    });
  }

  private invalid(id: number, error: z.ZodError): ProtocolError {
    const message = fieldErrors("body.params", error)
      .map((e) => `${e.field}: ${e.message}`)
      .join("; ");
    return { type: "error", id, error: "invalid_argument", message };
  }

  private send(frame: ProtocolResponse | ProtocolEvent | null): void {
    if (frame && !this.stop.signal.aborted) this.socket.send(JSON.stringify(frame));
  }
}
