import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test, admin, baseUrl, createOperator, signIn } from "./support/session.ts";

/**
 * The thread pages (/threads, /threads/{id}): answering a pending interrupt from
 * its form, a rolled-back run disappearing from the state and history, token
 * totals and runs after an agent run, and the list's empty state. Runs are started
 * through the LangGraph REST shim with the page's session cookie.
 */

/** A fresh connection per request: a pooled one the server already closed would fail (microsoft/playwright#42701). */
// writes with the session cookie name this server as their origin, as the dashboard's own requests do
const NO_KEEP_ALIVE = () => ({ connection: "close", origin: baseUrl() });

async function api<T>(request: APIRequestContext, method: "GET" | "POST", path: string, data?: unknown): Promise<T> {
  const res = await request.fetch(`/api/langgraph${path}`, { method, data, headers: NO_KEEP_ALIVE(), timeout: 60_000 });
  expect(res.status(), `${method} ${path}: ${await res.text()}`).toBe(200);
  return (await res.json()) as T;
}

async function newThread(page: Page): Promise<string> {
  const thread = await api<{ thread_id: string }>(page.request, "POST", "/threads", {});
  return thread.thread_id;
}

/** Starts a run and waits for its end (or its interrupt): the thread's final values. */
function runAndWait(page: Page, threadId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  return api(page.request, "POST", `/threads/${threadId}/runs/wait`, body);
}

/** Starts a run in the background: its id. */
async function startRun(page: Page, threadId: string, body: Record<string, unknown>): Promise<string> {
  const run = await api<{ run_id: string }>(page.request, "POST", `/threads/${threadId}/runs`, body);
  return run.run_id;
}

async function stateSteps(page: Page, threadId: string): Promise<string[]> {
  const state = await api<{ values: { steps?: string[] } }>(page.request, "GET", `/threads/${threadId}/state`);
  return state.values.steps ?? [];
}

const STEPS = ["plan", "research", "draft", "review", "publish"];

test("a pending interrupt is answered from its form and the state shows the answer", async ({ page }) => {
  await signIn(page);
  const threadId = await newThread(page);
  await runAndWait(page, threadId, { assistant_id: "human", input: { request: "ship v2" } });

  await page.goto(`/threads/${threadId}`);
  const pending = page.getByRole("region", { name: "Pending interrupt" });
  await expect(pending).toBeVisible();
  await expect(pending).toContainText('Approve "ship v2"?');
  await expect(page.getByLabel("Thread status")).toHaveText("interrupted");
  await page.screenshot({ path: "/tmp/threads-interrupt-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/threads-interrupt-390.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // the interrupt offers options: they are the answers (no free text to mistype)
  await expect(pending.getByRole("textbox")).toHaveCount(0);
  await pending.getByRole("group", { name: "Answer" }).getByRole("button", { name: "yes" }).click();

  // the new run is shown, and once it ends the interrupt is gone and the state has the answer (no reload)
  const resumed = page.getByRole("region", { name: "Resumed" });
  await expect(resumed.getByRole("link", { name: /^Run / })).toBeVisible();
  await expect(resumed.getByLabel("Resumed run")).toHaveText("success");
  await expect(pending).toHaveCount(0);
  const values = page.getByRole("region", { name: "State" }).getByLabel("State values");
  await expect(values).toContainText('"answer": "yes"');
  await expect(values).toContainText('"outcome": "approved"');
  await expect(page.getByLabel("Thread status")).toHaveText("idle");

  // the resumed run is linked to its page from the thread's runs
  const runHref = await resumed.getByRole("link", { name: /^Run / }).getAttribute("href");
  await expect(page.getByRole("region", { name: "Runs" }).locator(`a[href="${runHref}"]`)).toBeVisible();

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: "/tmp/threads-detail-human-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/threads-detail-human-390.png", fullPage: true });
});

test("rolling back a run returns the thread to its state before it, live", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  await signIn(page);
  const threadId = await newThread(page);
  await runAndWait(page, threadId, { assistant_id: "slow", input: {}, config: { configurable: { step_delay_ms: 50 } } });
  expect(await stateSteps(page, threadId)).toEqual(STEPS);

  await page.goto(`/threads/${threadId}`);
  const values = page.getByRole("region", { name: "State" }).getByLabel("State values");
  const timeline = page.getByRole("region", { name: "History" }).getByRole("list", { name: "Checkpoints" });
  await expect(values).toContainText('"publish"');

  // steps of 3 s: time to see one arrive and to cancel before the run ends
  const runId = await startRun(page, threadId, { assistant_id: "slow", input: {}, config: { configurable: { step_delay_ms: 3000 } } });
  // the page follows the second run: its first step shows up as a sixth one, and its checkpoints in the timeline
  await expect(page.getByLabel("Thread status")).toHaveText("busy");
  await expect
    .poll(async () => JSON.parse((await values.textContent()) ?? "{}").steps?.length, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(6);
  await expect(timeline.getByRole("listitem").locator("strong", { hasText: /^Step 7$/ })).toBeVisible();
  const itsCheckpoints = await timeline
    .getByRole("listitem")
    .evaluateAll((items) =>
      items.filter((li) => Number(/Step (-?\d+)/.exec(li.textContent ?? "")?.[1]) >= 6).map((li) => li.getAttribute("data-checkpoint-id")),
    );
  expect(itsCheckpoints.length).toBeGreaterThanOrEqual(2);

  const res = await page.request.post(`/api/langgraph/threads/${threadId}/runs/${runId}/cancel?action=rollback&wait=1`, {
    // a write with the session cookie comes from the server's own origin, as the dashboard's would
    headers: { ...NO_KEEP_ALIVE(), Origin: new URL(baseURL!).origin },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);

  // without a reload: exactly the first run's five steps, and none of the rolled-back run's checkpoints
  await expect.poll(async () => JSON.parse((await values.textContent()) ?? "{}").steps).toEqual(STEPS);
  await expect(page.getByLabel("Thread status")).toHaveText("idle");
  for (const id of itsCheckpoints) await expect(timeline.locator(`li[data-checkpoint-id="${id}"]`)).toHaveCount(0);
  await expect(timeline.getByRole("listitem").first()).toContainText("Step 5");
  // the runs list still tells what happened to it
  const runs = page.getByRole("region", { name: "Runs" });
  const rolledBack = runs.getByRole("listitem").filter({ has: page.locator(`a[href="/runs/${runId}"]`) });
  await expect(rolledBack.getByText("interrupted")).toBeVisible();
  await expect(rolledBack.getByText("rolled back")).toBeVisible();

  // the timeline holds the first run's checkpoints only, from its last step back to its input
  await expect(timeline.getByRole("listitem").locator("strong")).toHaveText([
    "Step 5",
    "Step 4",
    "Step 3",
    "Step 2",
    "Step 1",
    "Step 0",
    "Step -1",
  ]);
  await expect(page.getByRole("button", { name: "Load older" })).toHaveCount(0);
});

test("the history timeline pages back with Load older", async ({ page }) => {
  await signIn(page);
  const threadId = await newThread(page);
  // two quick slow runs: 7 + 7 checkpoints, more than one page of 10
  for (let i = 0; i < 2; i++)
    await runAndWait(page, threadId, { assistant_id: "slow", input: {}, config: { configurable: { step_delay_ms: 10 } } });

  await page.goto(`/threads/${threadId}`);
  const timeline = page.getByRole("region", { name: "History" }).getByRole("list", { name: "Checkpoints" });
  await expect(timeline.getByRole("listitem")).toHaveCount(10);
  await expect(timeline.getByRole("listitem").first()).toContainText("Step 12");
  await page.getByRole("button", { name: "Load older" }).click();
  await expect(timeline.getByRole("listitem")).toHaveCount(14);
  await expect(timeline.getByRole("listitem").last()).toContainText("Step -1");
  await expect(page.getByRole("button", { name: "Load older" })).toHaveCount(0);
});

test("an agent run's tokens and status show on its thread", async ({ page }) => {
  await signIn(page);
  const threadId = await newThread(page);
  await runAndWait(page, threadId, { assistant_id: "agent", input: { messages: [{ type: "human", content: "count my tokens" }] } });

  await page.goto(`/threads/${threadId}`);
  const tokens = page.getByRole("region", { name: "Tokens" });
  await expect(tokens).toContainText("tokens in total");
  const total = Number((await tokens.getByTestId("thread-tokens-total").textContent())?.replace(/\D/g, ""));
  expect(total).toBeGreaterThan(0);
  await expect(tokens.getByRole("table", { name: "Tokens by model" }).getByRole("row")).toHaveCount(2);

  const runs = page.getByRole("region", { name: "Runs" });
  await expect(runs.getByRole("listitem")).toHaveCount(1);
  await expect(runs.getByRole("listitem").getByText("success")).toBeVisible();
  await expect(runs.getByRole("link", { name: /^Run / })).toHaveAttribute("href", /^\/runs\/[0-9a-f-]{36}$/);

  const messages = page.getByRole("list", { name: "Messages" });
  await expect(messages.getByRole("listitem").first()).toHaveText("human: count my tokens");
  await expect(messages.getByRole("listitem").nth(1)).toContainText('ai: You said: "count my tokens"');

  // the list has the thread, with its graph, linked to its page
  await page.goto("/threads");
  const row = page
    .getByRole("list", { name: "Threads" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("link", { name: `Thread ${threadId}` }) });
  await expect(row).toContainText("agent");
  await expect(row.getByText("idle")).toBeVisible();
  await page.getByLabel("Status").selectOption("error");
  await expect(page.getByRole("link", { name: `Thread ${threadId}` })).toHaveCount(0);
  await page.getByLabel("Status").selectOption("idle");
  await expect(page.getByRole("link", { name: `Thread ${threadId}` })).toBeVisible();

  await page.getByLabel("Status").selectOption("");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: "/tmp/threads-list-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/threads-list-390.png", fullPage: true });
  await page.goto(`/threads/${threadId}`);
  await expect(tokens).toContainText("tokens in total");
  await page.screenshot({ path: "/tmp/threads-detail-agent-390.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: "/tmp/threads-detail-agent-1280.png", fullPage: true });
});

test("a new operator has no threads, and another owner's thread is not found", async ({ page, browser }) => {
  // a thread of the admin's
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, admin());
  const foreign = await newThread(adminPage);
  await adminContext.close();

  await signIn(page, createOperator());
  await page.goto("/threads");
  await expect(page.getByRole("heading", { name: "Threads", level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "No threads yet" })).toBeVisible();
  await expect(page.getByRole("link", { name: "New run" }).last()).toHaveAttribute("href", "/runs/new");

  await page.goto(`/threads/${foreign}`);
  await expect(page.getByRole("heading", { name: "Thread not found" })).toBeVisible();
  await page.goto("/threads/not-a-thread");
  await expect(page.getByRole("heading", { name: "Thread not found" })).toBeVisible();

  await page.goto("/threads");
  await expect(page.getByText("No threads yet")).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: "/tmp/threads-empty-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/threads-empty-390.png", fullPage: true });
});
