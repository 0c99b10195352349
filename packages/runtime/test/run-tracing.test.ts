/**
 * A run's trace: with tracing on, each execution of a run is a span under the
 * request that created it (its W3C context is stored with the run), with a span
 * per graph node under it, also when another instance executes the run. Spans
 * are read from OpenTelemetry's in-memory exporter.
 */
import { context, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ALL, repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, type Runtime } from "../src/runtime.ts";
import { testGraphs } from "./fixtures/test-graphs.ts";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());

const sqlite = testTargets.filter((t) => t.provider === "sqlite");

describe.each(sqlite)("run traces on $provider", (target) => {
  const database = useMigratedDatabase(target);
  const runtimes: Runtime[] = [];
  function newRuntime(): Runtime {
    const runtime = createRuntime({ db: database(), graphs: testGraphs, tracing: true });
    runtimes.push(runtime);
    return runtime;
  }
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.shutdown(500);
    exporter.reset();
  });

  /** A new owner's thread, and the owner as an actor. */
  async function ownThread() {
    const repos = repositories(database());
    const owner = (await repos.users.createUser({ email: `trace-${Date.now()}-${Math.random()}@x.dev`, name: "t" })).id;
    const thread = await repos.threads.create({ ownerId: owner });
    return { actor: { userId: owner, scope: { ownerId: owner } }, thread };
  }

  /** The spans of one trace once `count` node spans have ended. */
  async function spansOf(traceId: string, nodes: number) {
    for (let i = 0; i < 200; i++) {
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      if (spans.filter((s) => s.name.startsWith("node ")).length >= nodes && spans.some((s) => s.name === "run")) return spans;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("the run's spans never arrived");
  }

  it("nests the run under the creating request's span, and each node under the run", async () => {
    const rt = newRuntime();
    await rt.start();
    const { actor, thread } = await ownThread();
    const request = trace.getTracer("test").startSpan("POST /threads/:id/runs");
    const run = await context.with(trace.setSpan(context.active(), request), () =>
      rt.runs.create(actor, { threadId: thread.id, assistantId: "slow", input: {}, config: { configurable: { step_delay_ms: 1 } } }),
    );
    request.end();
    await rt.runs.join(actor, run.id);

    const spans = await spansOf(request.spanContext().traceId, 4);
    const runSpan = spans.find((s) => s.name === "run")!;
    expect(runSpan.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(runSpan.attributes).toMatchObject({ "lgrs.run_id": run.id, "lgrs.thread_id": thread.id, "lgrs.status": "success" });
    const nodes = spans.filter((s) => s.name.startsWith("node "));
    expect(nodes.map((s) => s.name)).toEqual(["node one", "node two", "node three", "node four"]);
    for (const node of nodes) expect(node.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
    // the stored trace context is the executor's: callers never see it
    expect(Object.keys(run.kwargs as object)).not.toContain("trace");
    expect(Object.keys((await rt.runs.get(actor, run.id)).kwargs as object)).toEqual(["input", "config"]);
  });

  it("continues the trace on the instance that executes the run", async () => {
    // the first instance takes the run and stops before its not-before time: it stays pending
    const first = newRuntime();
    await first.start();
    const { actor, thread } = await ownThread();
    const request = trace.getTracer("test").startSpan("POST /threads/:id/runs");
    const run = await context.with(trace.setSpan(context.active(), request), () =>
      first.runs.create(actor, { threadId: thread.id, assistantId: "quick", input: {}, afterSeconds: 0.3 }),
    );
    request.end();
    await first.shutdown(500);
    expect((await repositories(database()).runs.get(ALL, run.id))?.status).toBe("pending");

    // a second instance over the same database picks it up
    const second = newRuntime();
    await second.start();
    await second.runs.join(actor, run.id);
    const spans = await spansOf(request.spanContext().traceId, 1);
    const runSpan = spans.find((s) => s.name === "run")!;
    expect(runSpan.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(spans.find((s) => s.name === "node only")?.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
  });

  it("leaves a run's kwargs alone when no span is active", async () => {
    const rt = newRuntime();
    await rt.start();
    const { actor, thread } = await ownThread();
    const run = await rt.runs.create(actor, { threadId: thread.id, assistantId: "quick", input: {} });
    expect(run.kwargs).not.toHaveProperty("trace");
    await rt.runs.join(actor, run.id);
  });
});
