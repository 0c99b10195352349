import type { Page } from "@playwright/test";
import { expect, test, baseUrl, createOperator, signIn } from "./support/session.ts";

/**
 * The run detail page (/runs/{runId}): the agent's reply growing token by token,
 * the final status and token usage, cancel with confirmation, feedback that
 * survives a reload, another operator's run as "Run not found", and a follow-up
 * on the same thread.
 */

/** page.request pools keep-alive sockets the server may already have closed: ask for a fresh one each time. */
const FRESH = () => ({ connection: "close", origin: baseUrl() });

/** With DETAIL_SCREENSHOTS=1 the tests save what they look at under /tmp/detail-*.png. */
const SHOTS = !!process.env["DETAIL_SCREENSHOTS"];

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await page.screenshot({ path: `/tmp/detail-${name}-1280.png`, fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `/tmp/detail-${name}-390.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}

/** What the bundled offline model answers (packages/graphs/src/fake-chat-model.ts). */
function replyTo(said: string): string {
  return `You said: "${said}". This reply comes from the bundled offline model, streamed token by token so you can watch it arrive.`;
}

/**
 * Starts a run through the LangGraph REST API with the page's session: a new
 * thread, then a run on it. Streams its messages token by token (messages-tuple)
 * as well as its state values.
 */
async function startRun(
  page: Page,
  options: { assistant?: string; say?: string; input?: unknown; configurable?: Record<string, unknown>; afterSeconds?: number } = {},
): Promise<{ threadId: string; runId: string }> {
  const thread = await page.request.post("/api/langgraph/threads", { data: {}, headers: FRESH() });
  expect(thread.status(), await thread.text()).toBe(200);
  const { thread_id: threadId } = (await thread.json()) as { thread_id: string };
  const run = await page.request.post(`/api/langgraph/threads/${threadId}/runs`, {
    headers: FRESH(),
    data: {
      assistant_id: options.assistant ?? "agent",
      input: options.input ?? { messages: [{ role: "user", content: options.say ?? "hello there" }] },
      config: { configurable: options.configurable ?? {} },
      stream_mode: ["values", "messages-tuple"],
      ...(options.afterSeconds !== undefined && { after_seconds: options.afterSeconds }),
    },
  });
  expect(run.status(), await run.text()).toBe(200);
  const { run_id: runId } = (await run.json()) as { run_id: string };
  return { threadId, runId };
}

const runStatus = (page: Page) => page.getByRole("status", { name: "Run status" });
const agentReply = (page: Page) => page.getByRole("region", { name: "Agent reply" });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("a streaming agent run: the reply grows token by token, then the run succeeds with its token usage", async ({ page }) => {
  // a first page load on a fresh server is slow: warm this page up so the run is still streaming when it opens
  await page.goto("/runs/00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("heading", { name: "Run not found" })).toBeVisible();

  const said = "tell me about streaming";
  const { runId } = await startRun(page, { say: said, configurable: { token_delay_ms: 150 } });
  await page.goto(`/runs/${runId}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Run");

  const reply = agentReply(page);
  await expect(reply).toContainText("You said", { timeout: 15_000 });
  const first = (await reply.textContent()) ?? "";
  // still streaming at the first look
  await expect(runStatus(page)).toHaveText("running");
  await expect.poll(async () => ((await reply.textContent()) ?? "").length).toBeGreaterThan(first.length);
  await shoot(page, "streaming");

  await expect(runStatus(page)).toHaveText("success", { timeout: 20_000 });
  await expect(reply).toHaveText(replyTo(said));
  await expect(page.getByRole("list", { name: "Event log" })).toContainText("messages");
  await expect(page.getByRole("button", { name: "Cancel run" })).toBeDisabled();

  const byModel = page.getByRole("table", { name: "By model" });
  const row = byModel.getByRole("row", { name: /fake-chat-1/ });
  await expect(row).toBeVisible();
  const total = Number(((await row.getByRole("cell").last().textContent()) ?? "").replace(/\D/g, ""));
  expect(total).toBeGreaterThan(0);
  await expect(page.getByRole("table", { name: "By caller" })).toContainText("lead agent");
  await shoot(page, "success");

  // a finished run replays the same reply from its stored events
  await page.reload();
  await expect(runStatus(page)).toHaveText("success");
  await expect(agentReply(page)).toHaveText(replyTo(said));
  // graphs reload while the server runs: the page says which version of the graph this run executed
  await expect(page.getByTestId("graph-version")).toHaveText(/^[0-9a-f]{12} \(loaded .+\)$/);
});

test("cancelling a slow run from its page: a confirmation, then the status turns interrupted without a reload", async ({ page }) => {
  // slow enough (15 s in all) that it is still running after the dialog is opened, kept open and confirmed on a busy machine
  const { runId } = await startRun(page, { assistant: "slow", configurable: { step_delay_ms: 3000 } });
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("running", { timeout: 10_000 });
  // its first step is checkpointed: that much is kept when it is interrupted
  await expect(page.getByRole("region", { name: "Latest state" })).toContainText("plan", { timeout: 10_000 });

  // changing one's mind keeps it running
  await page.getByRole("button", { name: "Cancel run" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Cancel this run?");
  await shoot(page, "confirm");
  await dialog.getByRole("button", { name: "Keep running" }).click();
  await expect(dialog).toBeHidden();
  await expect(runStatus(page)).toHaveText("running");

  await page.getByRole("button", { name: "Cancel run" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
  await expect(runStatus(page)).toHaveText("interrupted", { timeout: 10_000 });
  await expect(page.getByRole("button", { name: "Cancel run" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Roll back run" })).toBeDisabled();
  await expect(page.getByText("Stream ended with status interrupted.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Latest state" })).toContainText("plan");
});

test("a run that has not started yet shows as pending and can be rolled back before it starts", async ({ page }) => {
  const { runId } = await startRun(page, { afterSeconds: 600 });
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("pending");
  await expect(page.getByText("The run has not started yet")).toBeVisible();
  await page.getByRole("button", { name: "Roll back run" }).click();
  await expect(page.getByRole("dialog")).toContainText("Roll back this run?");
  await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
  await expect(runStatus(page)).toHaveText("interrupted");
  await expect(page.getByText("Rolled back")).toBeVisible();
});

test("a failed run shows its error", async ({ page }) => {
  const { runId } = await startRun(page, { assistant: "failing", input: {} });
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("error", { timeout: 10_000 });
  await expect(page.getByRole("alert", { name: "Run error" })).toContainText("the failing graph failed on purpose");
  await expect(page.getByRole("list", { name: "Event log" })).toContainText("error");
  await shoot(page, "failed");
});

test("thumbs down with a comment is saved and shown again after a reload", async ({ page }) => {
  const { runId } = await startRun(page, { say: "rate me" });
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("success", { timeout: 15_000 });

  const up = page.getByRole("button", { name: "Thumbs up" });
  const down = page.getByRole("button", { name: "Thumbs down" });
  await expect(down).toHaveAttribute("aria-pressed", "false");
  await down.click();
  await expect(down).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("textbox", { name: "Comment" }).fill("The reply only repeats me.");
  await page.getByRole("button", { name: "Save feedback" }).click();
  await expect(page.getByText("Feedback saved.")).toBeVisible();

  await page.reload();
  await expect(page.getByRole("button", { name: "Thumbs down" })).toHaveAttribute("aria-pressed", "true");
  await expect(up).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByRole("textbox", { name: "Comment" })).toHaveValue("The reply only repeats me.");
});

test("another operator opening the admin's run sees Run not found and none of the run", async ({ page, browser }) => {
  const said = "for the admin only";
  const { runId, threadId } = await startRun(page, { say: said });
  const operator = createOperator();
  const context = await browser.newContext();
  try {
    const other = await context.newPage();
    await signIn(other, operator);
    await other.goto(`/runs/${runId}`);
    await expect(other.getByRole("heading", { name: "Run not found" })).toBeVisible();
    await expect(agentReply(other)).toHaveCount(0);
    await expect(other.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
    await expect(other.getByText(said)).toHaveCount(0);
    await expect(other.getByText(threadId)).toHaveCount(0);
    await shoot(other, "not-found");
  } finally {
    await context.close();
  }
});

test("the follow-up form starts a new run on the same thread and opens its page", async ({ page }) => {
  const { runId, threadId } = await startRun(page, { say: "first question" });
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("success", { timeout: 15_000 });

  await page.getByRole("textbox", { name: "Send a follow-up" }).fill("and a second one");
  await page.getByRole("button", { name: "Send follow-up" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page).not.toHaveURL(new RegExp(runId));
  await expect(page.getByRole("link", { name: threadId })).toHaveAttribute("href", `/threads/${threadId}`);
  await expect(page.getByText("Asked: and a second one")).toBeVisible();
  await expect(runStatus(page)).toHaveText("success", { timeout: 15_000 });
  await expect(agentReply(page)).toHaveText(replyTo("and a second one"));
});
