import type { Browser, Locator, Page } from "@playwright/test";
import { admin, expect, test, baseUrl, createOperator, signIn } from "./support/session.ts";

/**
 * The runs table (/runs): runs started elsewhere appear live, statuses change in
 * place, Cancel run and Roll back run ask first and then stop the run, a new
 * operator sees the empty state, and the status filter narrows the rows.
 */

/** `page.request` reuses sockets the server already closed (microsoft/playwright#42701): ask for a fresh one. */
// writes with the session cookie name this server as their origin, as the dashboard's own requests do
const NO_KEEP_ALIVE = () => ({ connection: "close", "content-type": "application/json", origin: baseUrl() });

/** A tRPC mutation over HTTP (superjson: the input goes under `json`), as the signed-in user of the page. */
async function trpcMutation<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: { json: input }, headers: NO_KEEP_ALIVE() });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

interface StartedRun {
  id: string;
  threadId: string;
  short: string;
}

/** Starts a run on a new thread through the API; `short` is the id as the table shows it. */
async function startRun(
  page: Page,
  assistantId: string,
  options: { input?: unknown; configurable?: Record<string, unknown> } = {},
): Promise<StartedRun> {
  const thread = await trpcMutation<{ id: string }>(page, "threads.create", {});
  const run = await trpcMutation<{ id: string; threadId: string }>(page, "runs.create", {
    threadId: thread.id,
    assistantId,
    input: options.input ?? {},
    config: { configurable: options.configurable ?? {} },
  });
  return { id: run.id, threadId: run.threadId, short: run.id.slice(-8) };
}

/** A slow run: five steps of 1.5 s each, time enough to cancel it from the table. */
const startSlowRun = (page: Page) => startRun(page, "slow", { configurable: { step_delay_ms: 1500 } });

/** The table row of a run, found by the link to its detail page. */
function rowOf(page: Page, run: StartedRun): Locator {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name: `Open run ${run.short}` }) });
}

/** Opens /runs and waits until live updates are connected; marks the document so a reload would show. */
/** The status cell of a row: the badge, and a "rolled back" note when the run was rolled back. */
function statusOf(row: Locator): Locator {
  return row.getByRole("cell").first();
}

/** The status cell of a run someone stopped: its status, its notes, and who stopped it. */
function stoppedBy(email: string, note?: string): RegExp {
  const escaped = email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^interrupted\\s*${note ? `${note}\\s*` : ""}by ${escaped}$`);
}

async function openRunsTable(page: Page): Promise<void> {
  await page.goto("/runs");
  await expect(page.getByRole("heading", { level: 1, name: "Runs" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Live$/ })).toBeVisible();
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

async function expectNoReload(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}

async function signedInPage(browser: Browser, who?: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, who);
  return page;
}

test.describe("runs table", () => {
  test("a run started while the table is open appears live, and Cancel run interrupts it", async ({ page }) => {
    await signIn(page);
    await openRunsTable(page);

    const run = await startSlowRun(page);
    const row = rowOf(page, run);
    await expect(row).toBeVisible();
    await expect(statusOf(row)).toHaveText(/^(pending|running)$/);
    await expect(row.getByRole("link", { name: `Thread ${run.threadId.slice(-8)}` })).toHaveAttribute("href", `/threads/${run.threadId}`);
    await expect(row.getByRole("link", { name: `Open run ${run.short}` })).toHaveAttribute("href", `/runs/${run.id}`);
    await expect(row.getByText("slow", { exact: true })).toBeVisible();
    await expect(statusOf(row)).toHaveText("running");

    await row.getByRole("button", { name: `Cancel run ${run.short}` }).click();
    const dialog = page.getByRole("dialog", { name: `Cancel run ${run.short}?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(dialog).toBeHidden();

    // the row says who stopped it
    await expect(statusOf(row)).toHaveText(stoppedBy(admin().email));
    // a stopped run can be neither cancelled nor rolled back again
    await expect(row.getByRole("button", { name: `Cancel run ${run.short}` })).toBeDisabled();
    await expect(row.getByRole("button", { name: `Roll back run ${run.short}` })).toBeDisabled();
    await expectNoReload(page);
  });

  test("a second signed-in window sees a run started from the first appear and finish, with its tokens", async ({ page, browser }) => {
    await signIn(page);
    const watcher = await signedInPage(browser);
    try {
      await openRunsTable(watcher);

      const run = await startRun(page, "agent", { input: { messages: [{ role: "user", content: "hello from the first window" }] } });
      const row = rowOf(watcher, run);
      await expect(row).toBeVisible();
      await expect(statusOf(row)).toHaveText("success");
      // the fake model reports 20-40 tokens; the row shows the run's total once it has finished
      await expect(row.getByRole("cell").nth(6)).toHaveText(/^[1-9]\d*$/);
      await expect(row.getByRole("cell").nth(5)).toHaveText(/\d+(\.\d)? (ms|s)$/);
      await expectNoReload(watcher);
    } finally {
      await watcher.context().close();
    }
  });

  test("Roll back run asks first, then stops the run and marks it rolled back", async ({ page }) => {
    await signIn(page);
    await openRunsTable(page);
    const run = await startSlowRun(page);
    const row = rowOf(page, run);
    await expect(statusOf(row)).toHaveText("running");

    // backing out of the question leaves the run alone
    await row.getByRole("button", { name: `Roll back run ${run.short}` }).click();
    const dialog = page.getByRole("dialog", { name: `Roll back run ${run.short}?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Keep running" }).click();
    await expect(dialog).toBeHidden();
    await expect(statusOf(row)).toHaveText("running");

    await row.getByRole("button", { name: `Roll back run ${run.short}` }).click();
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("thread goes back to how it was before the run");
    await page.screenshot({ path: "/tmp/runs-dialog.png" });
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(statusOf(row)).toHaveText(stoppedBy(admin().email, "rolled back"));
    await expect(row.getByRole("button", { name: `Roll back run ${run.short}` })).toBeDisabled();
    await expectNoReload(page);
  });

  test("a new operator sees the empty state, then only their runs, narrowed by the status filter", async ({ browser }) => {
    test.setTimeout(60_000); // making the operator starts a CLI
    const who = createOperator();
    const operator = await signedInPage(browser, who);
    try {
      await openRunsTable(operator);
      await expect(operator.getByText("No runs yet")).toBeVisible();
      await expect(operator.getByRole("link", { name: "Start a run" })).toHaveAttribute("href", "/runs/new");
      await operator.setViewportSize({ width: 390, height: 844 });
      await operator.screenshot({ path: "/tmp/runs-empty-390.png", fullPage: true });
      await operator.setViewportSize({ width: 1280, height: 800 });

      const done = await startRun(operator, "trivial");
      const slow = await startSlowRun(operator);
      await expect(statusOf(rowOf(operator, done))).toHaveText("success");
      await expect(statusOf(rowOf(operator, slow))).toHaveText("running");
      await expect(operator.getByText("No runs yet")).toBeHidden();
      // the operator's own two runs, none of the admin's
      const body = operator.getByRole("table").locator("tbody").getByRole("row");
      await expect(body).toHaveCount(2);

      const status = operator.getByLabel("Status");
      await status.selectOption("running");
      await expect(body).toHaveCount(1);
      await expect(rowOf(operator, slow)).toBeVisible();
      await expect(rowOf(operator, done)).toBeHidden();

      await status.selectOption("success");
      await expect(rowOf(operator, done)).toBeVisible();
      await expect(body).toHaveCount(1);

      await status.selectOption("error");
      await expect(operator.getByText("No runs match these filters")).toBeVisible();
      await operator.getByRole("button", { name: "Clear filters" }).first().click();
      await expect(status).toHaveValue("all");
      await expect(body).toHaveCount(2);

      await operator.screenshot({ path: "/tmp/runs-1280.png", fullPage: true });
      await operator.setViewportSize({ width: 390, height: 844 });
      await expect(rowOf(operator, slow)).toBeVisible();
      await operator.screenshot({ path: "/tmp/runs-390.png", fullPage: true });

      await trpcMutation(operator, "runs.cancel", { runId: slow.id, action: "interrupt", wait: false });
      await expect(statusOf(rowOf(operator, slow))).toHaveText(stoppedBy(who.email));
    } finally {
      await operator.context().close();
    }
  });

  test("Load more shows the next page of runs", async ({ browser }) => {
    test.setTimeout(60_000); // making the operator starts a CLI
    const operator = await signedInPage(browser, createOperator());
    try {
      // one page is 25 runs: the two oldest are on the second page
      const runs: StartedRun[] = [await startRun(operator, "trivial"), await startRun(operator, "trivial")];
      runs.push(...(await Promise.all(Array.from({ length: 25 }, () => startRun(operator, "trivial")))));
      await openRunsTable(operator);
      const body = operator.getByRole("table").locator("tbody").getByRole("row");
      await expect(body).toHaveCount(25);
      await expect(rowOf(operator, runs[2]!)).toBeVisible();
      await expect(rowOf(operator, runs[0]!)).toHaveCount(0);
      await expect(rowOf(operator, runs[1]!)).toHaveCount(0);
      await operator.getByRole("button", { name: "Load more" }).click();
      await expect(body).toHaveCount(27);
      await expect(rowOf(operator, runs[0]!)).toBeVisible();
      await expect(rowOf(operator, runs[1]!)).toBeVisible();
      await expect(operator.getByRole("button", { name: "Load more" })).toHaveCount(0);
      await expect(operator.getByText("27 runs")).toBeVisible();
    } finally {
      await operator.context().close();
    }
  });
});
