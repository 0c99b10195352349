import type { Serialized } from "@langchain/core/load/serializable";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from "@opentelemetry/api";
import type { Run } from "@lgrs/db";

/** Where the creating request's trace context is kept in a run's kwargs (W3C `traceparent`/`tracestate`). */
export const TRACE_KWARG = "trace";

const tracer = () => trace.getTracer("@lgrs/runtime");

/**
 * The W3C trace context of the caller (the HTTP request creating a run), to be
 * stored with the run so its trace continues on whichever worker executes it.
 * Undefined when no span is active (tracing off: the no-op API has none).
 */
export function traceCarrier(): Record<string, string> | undefined {
  if (!trace.getActiveSpan()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** The context a run's span continues: the creating request's, or a new trace. */
function parentOf(kwargs: Record<string, unknown>): Context {
  const carrier = kwargs[TRACE_KWARG];
  if (!carrier || typeof carrier !== "object") return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier as Record<string, string>);
}

/** A span per graph node: LangGraph reports each node as a chain carrying `langgraph_node` in its metadata. */
class NodeSpans extends BaseCallbackHandler {
  name = "lgrs-node-spans";
  private readonly spans = new Map<string, Span>();

  constructor(private readonly runContext: Context) {
    super();
  }

  override handleChainStart(
    _chain: Serialized,
    _inputs: unknown,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    _runType?: string,
    runName?: string,
  ): void {
    this.parents.set(runId, parentRunId);
    const node = metadata?.langgraph_node;
    // the node's own chain, not the runnables inside it (they inherit the metadata);
    // LangGraph's own bookkeeping nodes (__start__) are not the graph's
    if (typeof node !== "string" || runName !== node || node.startsWith("__")) return;
    const parent = this.nearestSpan(parentRunId);
    const ctx = parent ? trace.setSpan(this.runContext, parent) : this.runContext;
    this.spans.set(runId, tracer().startSpan(`node ${node}`, { attributes: { "langgraph.node": node } }, ctx));
  }

  /** every open chain's parent: a subgraph's nodes nest under the node that ran the subgraph */
  private readonly parents = new Map<string, string | undefined>();
  private nearestSpan(runId: string | undefined): Span | undefined {
    for (let id = runId, hops = 0; id !== undefined && hops < 64; id = this.parents.get(id), hops++) {
      const span = this.spans.get(id);
      if (span) return span;
    }
    return undefined;
  }

  override handleChainEnd(_outputs: unknown, runId: string): void {
    this.end(runId);
  }

  override handleChainError(err: unknown, runId: string): void {
    const span = this.spans.get(runId);
    if (span) {
      // an interrupt or a cancel ends a node through here too: only real errors are marked
      const name = err instanceof Error ? err.name : "";
      if (name !== "GraphInterrupt" && name !== "AbortError") span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
    }
    this.end(runId);
  }

  private end(runId: string): void {
    this.parents.delete(runId);
    const span = this.spans.get(runId);
    if (!span) return;
    span.end();
    this.spans.delete(runId);
  }

  /** nodes still open when the run ends (aborted) */
  endAll(): void {
    for (const span of this.spans.values()) span.end();
    this.spans.clear();
    this.parents.clear();
  }
}

/** One run's span and its node spans. */
export class RunTrace {
  private readonly span: Span;
  readonly nodes: NodeSpans;

  constructor(run: Run, kwargs: Record<string, unknown>) {
    this.span = tracer().startSpan(
      "run",
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          "lgrs.run_id": run.id,
          "lgrs.thread_id": run.threadId,
          "lgrs.assistant_id": run.assistantId,
          "lgrs.attempt": run.attempt,
        },
      },
      parentOf(kwargs),
    );
    this.nodes = new NodeSpans(trace.setSpan(ROOT_CONTEXT, this.span));
  }

  end(run: Run): void {
    this.nodes.endAll();
    this.span.setAttribute("lgrs.status", run.status);
    if (run.status === "error") {
      const error = run.error as { message?: string } | null;
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message ?? "error" });
    }
    this.span.end();
  }
}
