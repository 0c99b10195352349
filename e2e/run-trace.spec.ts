import type { Page } from "@playwright/test";
import { expect, test, baseUrl, signIn } from "./support/session.ts";

/**
 * Seeing inside a run: its steps as a timeline (a step opened shows its payload),
 * every event expandable to its whole data with the node that produced it and
 * when, and the assistant's graph with the run's path highlighted, live while it
 * runs and on the assistant's own page.
 */

/** page.request pools keep-alive sockets the server may already have closed: ask for a fresh one each time. */
const FRESH = () => ({ connection: "close", origin: baseUrl() });

/** A new thread and a run on it through the LangGraph REST API, streamed with the given modes. */
async function startRun(page: Page, assistant: string, input: unknown, streamMode: string[], configurable: Record<string, unknown> = {}) {
  const thread = await page.request.post("/api/langgraph/threads", { data: {}, headers: FRESH() });
  expect(thread.status(), await thread.text()).toBe(200);
  const { thread_id: threadId } = (await thread.json()) as { thread_id: string };
  const run = await page.request.post(`/api/langgraph/threads/${threadId}/runs`, {
    headers: FRESH(),
    data: { assistant_id: assistant, input, stream_mode: streamMode, config: { configurable } },
  });
  expect(run.status(), await run.text()).toBe(200);
  return ((await run.json()) as { run_id: string }).run_id;
}

const runStatus = (page: Page) => page.getByRole("status", { name: "Run status" });
const say = (text: string) => ({ messages: [{ role: "user", content: text }] });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("a trace step opened shows its timing and payload, and copies it", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl() });
  const runId = await startRun(page, "agent", say("trace me"), ["values", "messages-tuple"]);
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("success", { timeout: 30_000 });

  const steps = page.getByRole("list", { name: "Run steps" });
  const step = steps.getByRole("button", { name: /^agent/ });
  // the fake model reports its usage on its last chunk: the step shows it
  await expect(step).toContainText(/\d+ tokens/);
  await expect(step.getByText("success")).toBeVisible();
  await step.click();
  await expect(step).toHaveAttribute("aria-expanded", "true");

  const detail = page.getByRole("region", { name: "Step agent" });
  await expect(detail).toContainText(/Started\s*\d{1,2}:\d{2}:\d{2}\.\d{3}/);
  const payload = detail.getByRole("group", { name: "Step payload" });
  await expect(payload).toContainText('"event": "messages"');
  // folded deeper levels open on a click: the streamed tokens are inside
  await payload.locator("summary", { hasText: '"data":' }).first().click();
  await expect(payload).toContainText('"langgraph_node": "agent"');

  await detail.getByRole("button", { name: "Copy payload" }).click();
  await expect(detail.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { event: string }[];
  expect(copied.length).toBeGreaterThan(1);
  expect(copied.every((e) => e.event === "messages")).toBe(true);
});

test("an event expanded shows its whole payload, the node that produced it and when it was recorded", async ({ page }) => {
  const runId = await startRun(page, "agent", say("expand an event"), ["values", "messages-tuple"]);
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("success", { timeout: 30_000 });

  const log = page.getByRole("list", { name: "Event log" });
  const event = log.getByRole("button", { name: "Event #3 messages" });
  await expect(event).toHaveAttribute("aria-expanded", "false");
  await event.click();
  const detail = page.getByRole("region", { name: "Event #3" });
  await expect(detail).toContainText(/Node\s*agent/);
  await expect(detail).toContainText(/Recorded\s*\d{1,2}:\d{2}:\d{2}\.\d{3}/);
  // the whole data, not the one-line summary: the metadata LangGraph sends with the chunk
  await expect(detail.getByRole("group", { name: "Payload of event #3" })).toContainText('"langgraph_node": "agent"');
  await expect(detail.getByRole("button", { name: "Copy event id" })).toBeVisible();

  await event.click();
  await expect(detail).toBeHidden();
});

test("the graph view highlights the node working now while the run streams, then the run's whole path", async ({ page }) => {
  // a first load of the run page on a fresh server is slow: warm it up so the run is still streaming when it opens
  await page.goto("/runs/00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("heading", { name: "Run not found" })).toBeVisible();
  // slow tokens: the run is still streaming when the page is read
  const runId = await startRun(page, "agent", say("watch the graph"), ["values", "messages-tuple"], { token_delay_ms: 250 });
  await page.goto(`/runs/${runId}`);
  const graph = page.getByRole("region", { name: "Graph" });
  await expect(graph.getByRole("group", { name: "agent, running now" })).toBeVisible({ timeout: 15_000 });
  await expect(runStatus(page)).toHaveText("running");

  await expect(runStatus(page)).toHaveText("success", { timeout: 30_000 });
  await expect(graph.getByRole("group", { name: "agent, visited" })).toBeVisible();
  await expect(graph.getByRole("group", { name: "end, visited" })).toBeVisible();
  await expect(graph.getByLabel("Run path")).toHaveText("Went through: agent");
});

test("a subgraph run's path through its parent graph, with the subgraph drawn as one node; the assistant page draws the same graph", async ({
  page,
}) => {
  const runId = await startRun(page, "subgraph", { topic: "graphs" }, ["values", "updates", "tasks"]);
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("success", { timeout: 30_000 });
  const graph = page.getByRole("region", { name: "Graph" });
  for (const node of ["prepare, visited", "research (subgraph), visited", "write, visited"])
    await expect(graph.getByRole("group", { name: node })).toBeVisible();
  await expect(graph.getByLabel("Run path")).toHaveText("Went through: prepare → research → write");
  // tasks give each node's own step, in order
  const steps = page.getByRole("list", { name: "Run steps" }).getByRole("listitem");
  await expect(steps).toHaveCount(3);
  await expect(steps.nth(1)).toContainText("research");

  await page.goto("/assistants/subgraph");
  const drawn = page.getByRole("region", { name: "Graph" });
  for (const node of ["start", "prepare", "research (subgraph)", "write", "end"])
    await expect(drawn.getByRole("group", { name: node, exact: true })).toBeVisible();
});
