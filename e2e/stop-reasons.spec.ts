import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Page } from "@playwright/test";
import { admin, baseUrl, databaseUrl, expect, signIn, test } from "./support/session.ts";

/**
 * Why a run stopped, on its page: an operator's rollback from the dashboard names
 * the operator and says the run's values were discarded; a run a server shutdown
 * stopped says so. A human-in-the-loop run links to its thread's answer form,
 * which answers the interrupt with one of its options, as a button.
 */

/** page.request pools keep-alive sockets the server may already have closed: ask for a fresh one each time. */
const fresh = () => ({ connection: "close", origin: baseUrl() });

/** With DETAIL_SCREENSHOTS=1 the tests save what they look at under /tmp/stop-*.png. */
const SHOTS = !!process.env["DETAIL_SCREENSHOTS"];

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await page.screenshot({ path: `/tmp/stop-${name}-1280.png`, fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `/tmp/stop-${name}-390.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}

async function api<T>(page: Page, method: "GET" | "POST", url: string, data?: unknown): Promise<T> {
  const res = await page.request.fetch(`/api/langgraph${url}`, { method, data, headers: fresh() });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as T;
}

async function startRun(page: Page, assistant: string, body: Record<string, unknown>, wait = false) {
  const { thread_id: threadId } = await api<{ thread_id: string }>(page, "POST", "/threads", {});
  const run = await api<{ run_id: string }>(page, "POST", `/threads/${threadId}/runs`, { assistant_id: assistant, ...body });
  if (wait) await api(page, "GET", `/threads/${threadId}/runs/${run.run_id}/join`);
  return { threadId, runId: run.run_id };
}

const runStatus = (page: Page) => page.getByRole("status", { name: "Run status" });
const stopReason = (page: Page) => page.getByRole("note", { name: "Stop reason" });
const runRow = (page: Page, runId: string) => page.locator(`tr[data-run-id="${runId}"]`);

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("an operator's rollback from the run page names the operator and says the values were discarded", async ({ page }) => {
  const { runId } = await startRun(page, "slow", { input: {}, config: { configurable: { step_delay_ms: 1500 } } });
  await page.goto(`/runs/${runId}`);
  // its first step is in: the run has values to discard
  await expect(page.getByRole("region", { name: "Latest state" })).toContainText("plan", { timeout: 10_000 });
  await expect(stopReason(page)).toHaveCount(0);

  await page.getByRole("button", { name: "Roll back run" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
  await expect(runStatus(page)).toHaveText("interrupted", { timeout: 10_000 });
  await expect(stopReason(page)).toHaveText(`Cancelled by ${admin().email} via dashboard (rollback)`);
  await expect(page.getByRole("note", { name: "Values discarded" })).toContainText("values were discarded");
  await expect(page.getByRole("region", { name: "Latest state" })).toHaveCount(0);
  await shoot(page, "rollback");
  // the runs list says it too, in a few words
  await page.goto(`/runs?q=${runId}`);
  await expect(runRow(page, runId).getByLabel("Stop reason")).toHaveText(`by ${admin().email}`);
});

/**
 * A run as a server shutdown leaves it (packages/runtime's run manager: interrupted,
 * the shutdown's error, its stop reason), written into the suite's database: the
 * worker's server cannot be stopped from a spec. The shutdown itself is tested
 * end to end in apps/web/test/one-door-stop-reasons.test.ts.
 */
function runStoppedByShutdown(): string {
  const script = `
    import { openDatabase, parseDatabaseUrl, repositories } from "@lgrs/db";
    const db = openDatabase(parseDatabaseUrl(process.env.DATABASE_URL));
    const repos = repositories(db);
    const owner = await repos.users.getUserByEmail(process.env.OWNER_EMAIL);
    const assistant = await db.prisma.assistant.findFirst({ where: { graphId: "slow" } });
    const thread = await repos.threads.create({ ownerId: owner.id });
    const run = await repos.runs.create({ threadId: thread.id, ownerId: owner.id, assistantId: assistant.id, kwargs: { input: {} } });
    await repos.runs.transition(run.id, { status: "running", startedAt: new Date() });
    await repos.runs.recordStopReason(run.id, { kind: "shutdown", action: "interrupt", detail: "server_stopping", at: new Date().toISOString() });
    await repos.runs.transition(run.id, {
      status: "interrupted",
      endedAt: new Date(),
      error: { type: "ServerShutdown", message: "the server is shutting down: the run was stopped before it finished" },
    });
    await db.close();
    process.stdout.write(run.id);
  `;
  return execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: path.resolve(import.meta.dirname, "../packages/db"),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl(),
      OWNER_EMAIL: admin().email,
      INIT_CWD: "",
    },
    stdio: "pipe",
  }).toString();
}

test("a run a shutdown stopped says so", async ({ page }) => {
  // starting tsx and Prisma takes seconds on a busy machine
  test.slow();
  const runId = runStoppedByShutdown();
  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).toHaveText("interrupted");
  await expect(stopReason(page)).toHaveText("Stopped by server shutdown");
  await expect(page.getByRole("alert", { name: "Run error" })).toContainText("ServerShutdown");
  await shoot(page, "shutdown");
  await page.goto(`/runs?q=${runId}`);
  await expect(runRow(page, runId).getByLabel("Stop reason")).toHaveText("server shutdown");
  await shoot(page, "shutdown-list");
});

test("a human-in-the-loop run links to its answer form, which answers with the interrupt's option buttons", async ({ page }) => {
  const { threadId, runId } = await startRun(page, "human", { input: { request: "ship v3" }, stream_mode: ["values"] }, true);
  await page.goto(`/runs/${runId}`);
  const waiting = page.getByRole("note", { name: "Waiting for an answer" });
  await expect(waiting).toContainText('Approve "ship v3"?');
  // the question is read, not its raw interrupt as the latest values (the event log below keeps the raw events)
  await expect(page.getByRole("region", { name: "Latest state" })).toHaveCount(0);
  await shoot(page, "hitl-run");
  await waiting.getByRole("link", { name: "Answer on the thread page" }).click();
  await expect(page).toHaveURL(new RegExp(`/threads/${threadId}#answer$`));

  const pending = page.getByRole("region", { name: "Pending interrupt" });
  const options = pending.getByRole("group", { name: "Answer" });
  await expect(options.getByRole("button")).toHaveText(["yes", "no"]);
  // the options are the answers: no free text that could silently mean "no"
  await expect(pending.getByRole("textbox")).toHaveCount(0);
  await shoot(page, "answer-form");
  await options.getByRole("button", { name: "yes" }).click();

  const resumed = page.getByRole("region", { name: "Resumed" });
  await expect(resumed.getByLabel("Resumed run")).toHaveText("success");
  await expect(page.getByRole("region", { name: "State" }).getByLabel("State values")).toContainText('"outcome": "approved"');
});
