import { randomUUID } from "node:crypto";
import type { Browser, Locator, Page } from "@playwright/test";
import { baseUrl, createOperator, expect, signIn, test } from "./support/session.ts";

/**
 * Finding runs and threads (the Find box, the Runs and Threads filters): a search
 * by a word of a run's input finds that run and its thread, filters live in the
 * address so a reload shows the same rows, an admin sees (and filters by) each
 * run's owner, and a run started from New run with metadata is found by it.
 */

test.use({ locale: "en-US" });

/** `page.request` reuses sockets the server already closed (microsoft/playwright#42701): ask for a fresh one. */
// writes with the session cookie name this server as their origin, as the dashboard's own requests do
const noKeepAlive = () => ({ connection: "close", "content-type": "application/json", origin: baseUrl() });

async function trpc<T>(page: Page, kind: "query" | "mutation", path: string, input: unknown): Promise<T> {
  const res =
    kind === "mutation"
      ? await page.request.post(`/api/trpc/${path}`, { data: { json: input }, headers: noKeepAlive() })
      : await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
          headers: noKeepAlive(),
        });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

interface Run {
  id: string;
  threadId: string;
  status: string;
  metadata: Record<string, unknown>;
  kwargs: { config?: unknown };
  multitaskStrategy: string;
}

/** Runs the chat agent on a new thread with `content` as the message and waits for its end. */
async function agentRun(page: Page, content: string, metadata: Record<string, unknown> = {}): Promise<Run> {
  const thread = await trpc<{ id: string }>(page, "mutation", "threads.create", {});
  const run = await trpc<Run>(page, "mutation", "runs.create", {
    threadId: thread.id,
    assistantId: "agent",
    input: { messages: [{ role: "user", content }] },
    metadata,
    config: { configurable: { token_delay_ms: 1 } },
  });
  return trpc<Run>(page, "query", "runs.join", { runId: run.id });
}

/** The runs table's row of a run, by the link to its page (the table shows the id's last 8 characters). */
function rowOf(page: Page, run: { id: string }): Locator {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name: `Open run ${run.id.slice(-8)}` }) });
}

const bodyRows = (page: Page) => page.getByRole("table").locator("tbody").getByRole("row");

async function signedInPage(browser: Browser, who?: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: baseUrl() })).newPage();
  await signIn(page, who);
  return page;
}

test("a word of a run's input finds that run and its thread, from the Find box and the Runs and Threads pages", async ({ page }) => {
  await signIn(page, createOperator());
  const word = `Kestrel${randomUUID().slice(0, 8)}`;
  const found = await agentRun(page, `where does the ${word} nest?`);
  const other = await agentRun(page, "something else entirely");

  // the Find box in the top bar, any case
  await page.goto("/runs");
  const findBox = page.getByRole("search", { name: "Find runs and threads" }).getByRole("searchbox");
  await findBox.fill(word.toUpperCase());
  await findBox.press("Enter");
  await expect(page).toHaveURL(/\/find\?q=/);
  const runsFound = page.getByRole("region", { name: "Runs found" });
  await expect(runsFound.getByRole("link", { name: `Open run ${found.id.slice(-8)}` })).toBeVisible();
  await expect(runsFound.locator("tbody").getByRole("row")).toHaveCount(1);
  // the thread holds the message in its values
  const threadsFound = page.getByRole("region", { name: "Threads found" });
  await expect(threadsFound.getByRole("link", { name: `Thread ${found.threadId}` })).toBeVisible();
  await expect(threadsFound.getByRole("listitem")).toHaveCount(1);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: "/tmp/find-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/find-390.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // the Runs page's own Find field, by a word and then by the short id the table shows
  await page.goto("/runs");
  await expect(rowOf(page, other)).toBeVisible();
  const find = page.getByRole("search", { name: "Filter runs" }).getByLabel("Find", { exact: true });
  await find.fill(word.toLowerCase());
  await find.press("Enter");
  await expect(rowOf(page, other)).toBeHidden();
  await expect(rowOf(page, found)).toBeVisible();
  await expect(bodyRows(page)).toHaveCount(1);
  await find.fill(other.id.slice(-8));
  await find.press("Enter");
  await expect(rowOf(page, found)).toBeHidden();
  await expect(rowOf(page, other)).toBeVisible();

  // the Threads page: a thread found by its short id, with its assistant named and a copy button
  await page.goto(`/threads?q=${found.threadId.slice(-8)}`);
  const threads = page.getByRole("list", { name: "Threads" });
  await expect(threads.getByRole("listitem")).toHaveCount(1);
  const item = threads.getByRole("listitem").first();
  await expect(item.getByRole("link", { name: `Thread ${found.threadId}` })).toHaveText(found.threadId.slice(-8));
  await expect(item).toContainText("agent");
  await expect(item.getByRole("button", { name: "Copy id" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Live$/ })).toBeVisible();
});

test("filters live in the address: a reload shows the same filtered runs and threads", async ({ page }) => {
  await signIn(page, createOperator());
  const team = `team-${randomUUID().slice(0, 8)}`;
  const red = await agentRun(page, "red run", { team, colour: "red" });
  const blue = await agentRun(page, "blue run", { team, colour: "blue" });

  await page.goto("/runs");
  await expect(rowOf(page, red)).toBeVisible();
  const filters = page.getByRole("search", { name: "Filter runs" });
  await filters.getByLabel("Status").selectOption("success");
  const metadata = filters.getByLabel("Metadata", { exact: true });
  await metadata.fill(`colour=blue, team=${team}`);
  await metadata.press("Enter");
  await expect(rowOf(page, red)).toBeHidden();
  await expect(rowOf(page, blue)).toBeVisible();
  await expect(page).toHaveURL(/status=success/);

  await page.reload();
  await expect(rowOf(page, blue)).toBeVisible();
  await expect(bodyRows(page)).toHaveCount(1);
  await expect(page.getByRole("search", { name: "Filter runs" }).getByLabel("Status")).toHaveValue("success");
  await expect(page.getByRole("search", { name: "Filter runs" }).getByLabel("Metadata", { exact: true })).toHaveValue(
    `colour=blue, team=${team}`,
  );

  // a filter that is not key=value says so, naming the field
  await page.getByRole("search", { name: "Filter runs" }).getByLabel("Metadata", { exact: true }).fill("colour");
  await page.getByRole("search", { name: "Filter runs" }).getByLabel("Metadata", { exact: true }).press("Enter");
  await expect(page.getByRole("search", { name: "Filter runs" }).getByRole("alert")).toContainText("Metadata");

  // the same on the Threads page: the text finds the red run's thread (its values hold the message)
  await page.goto("/threads?q=RED%20RUN&status=idle");
  const threads = page.getByRole("list", { name: "Threads" });
  await expect(threads.getByRole("link", { name: `Thread ${red.threadId}` })).toBeVisible();
  await expect(threads.getByRole("listitem")).toHaveCount(1);
  await page.reload();
  await expect(threads.getByRole("link", { name: `Thread ${red.threadId}` })).toBeVisible();
  await expect(page.getByRole("search", { name: "Filter threads" }).getByLabel("Find", { exact: true })).toHaveValue("RED RUN");
  await expect(page.getByRole("search", { name: "Filter threads" }).getByLabel("Status")).toHaveValue("idle");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: "/tmp/threads-filtered-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/threads-filtered-390.png", fullPage: true });
});

test("an admin sees each run's owner and filters by it; an operator has no owner column", async ({ page, browser }) => {
  const who = createOperator();
  // an operator with nothing yet: the filter offers them all the same
  const idle = createOperator();
  const operator = await signedInPage(browser, who);
  try {
    const theirs = await agentRun(operator, "the operator's run");
    await signIn(page);
    const mine = await agentRun(page, "the admin's run");

    await page.goto("/runs");
    await expect(page.getByRole("columnheader", { name: "Owner" })).toBeVisible();
    await expect(rowOf(page, theirs).getByRole("cell", { name: who.email })).toBeVisible();
    await expect(rowOf(page, mine)).toBeVisible();
    await page.getByRole("search", { name: "Filter runs" }).getByLabel("Owner").selectOption({ label: who.email });
    await expect(rowOf(page, mine)).toBeHidden();
    await expect(rowOf(page, theirs)).toBeVisible();
    await page.reload();
    await expect(rowOf(page, theirs)).toBeVisible();
    await expect(rowOf(page, mine)).toBeHidden();
    await page.getByRole("search", { name: "Filter runs" }).getByLabel("Owner").selectOption({ label: idle.email });
    await expect(page.getByText("No runs match these filters")).toBeVisible();
    await page.getByRole("search", { name: "Filter runs" }).getByLabel("Owner").selectOption({ label: who.email });
    await expect(rowOf(page, theirs)).toBeVisible();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: "/tmp/runs-owner-1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "/tmp/runs-owner-390.png", fullPage: true });

    // the Threads page too
    await page.goto("/threads");
    await expect(page.getByRole("list", { name: "Threads" }).getByRole("listitem").filter({ hasText: who.email }).first()).toBeVisible();
    await expect(
      page.getByRole("search", { name: "Filter threads" }).getByLabel("Owner").getByRole("option", { name: idle.email }),
    ).toHaveCount(1);

    await operator.goto("/runs");
    await expect(rowOf(operator, theirs)).toBeVisible();
    await expect(operator.getByRole("columnheader", { name: "Owner" })).toHaveCount(0);
    await expect(operator.getByRole("search", { name: "Filter runs" }).getByLabel("Owner")).toHaveCount(0);
    // a link naming another owner finds nothing of theirs
    await operator.goto(`/runs?q=${mine.id}`);
    await expect(operator.getByText("No runs match these filters")).toBeVisible();
  } finally {
    await operator.context().close();
  }
});

test("a run started from New run with config, metadata and a multitask strategy is found by its metadata", async ({ page }) => {
  await signIn(page, createOperator());
  const label = `form-${randomUUID().slice(0, 8)}`;
  await page.goto("/runs/new");
  const form = page.getByRole("form", { name: "New run" });
  // graphs' default assistants come first
  await expect(form.getByLabel("Assistant").locator("option").first()).toHaveText("agent");
  await form.getByLabel("Assistant").selectOption({ label: "agent" });
  await form.getByRole("textbox", { name: "Message" }).fill("hello from the form");

  // bad JSON is refused before anything is sent, naming the field
  await form.getByLabel("Config (JSON)").fill("{configurable: 1}");
  await form.getByRole("button", { name: "Start run" }).click();
  await expect(form.getByRole("alert")).toContainText("Config is not valid JSON");
  await form.getByLabel("Config (JSON)").fill('{"configurable": {"token_delay_ms": 1}}');
  await form.getByLabel("Metadata (JSON)").fill("[1, 2]");
  await form.getByRole("button", { name: "Start run" }).click();
  await expect(form.getByRole("alert")).toContainText("Metadata must be a JSON object");
  await form.getByLabel("Metadata (JSON)").fill(JSON.stringify({ label, priority: 2 }));
  await form.getByLabel("If the thread is busy").selectOption("enqueue");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/new-run-390.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: "/tmp/new-run-1280.png", fullPage: true });
  await form.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = new URL(page.url()).pathname.split("/").pop()!;
  const run = await trpc<Run>(page, "query", "runs.join", { runId });
  expect(run.status).toBe("success");
  expect(run.metadata).toMatchObject({ label, priority: 2 });
  expect(run.multitaskStrategy).toBe("enqueue");
  expect(run.kwargs.config).toEqual({ configurable: { token_delay_ms: 1 } });

  // the metadata filter finds it (a number compares as a number)
  await page.goto(`/runs?metadata=${encodeURIComponent(`label=${label}, priority=2`)}`);
  await expect(rowOf(page, run)).toBeVisible();
  await expect(bodyRows(page)).toHaveCount(1);
  await page.goto(`/runs?metadata=${encodeURIComponent(`label=${label}, priority=3`)}`);
  await expect(page.getByText("No runs match these filters")).toBeVisible();
});
