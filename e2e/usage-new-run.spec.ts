import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { expect, test, createOperator, signIn } from "./support/session.ts";

/**
 * The New run page starts runs (a message or JSON as input, on a new thread by
 * default) and goes to the run's page; the usage page then shows those runs'
 * tokens. Each test signs in as a fresh operator, who sees only their own runs,
 * so the usage totals are exactly the runs the test made.
 */

test.use({ locale: "en-US" });

/** page.request reuses keep-alive sockets the server already closed (microsoft/playwright#42701): close each one. */
const NO_KEEP_ALIVE = { connection: "close" };
const RUN_PAGE = /\/runs\/([0-9a-f-]{36})$/;
const tokens = (n: number) => n.toLocaleString("en-US");

interface Run {
  id: string;
  threadId: string;
  status: string;
  kwargs: { input?: unknown };
  totalTokens: number;
}

/** A tRPC query with the page's session (superjson on the wire): its data. */
async function query<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
    headers: NO_KEEP_ALIVE,
  });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** Waits for the run to finish (runs.join) and returns it. */
async function finished(page: Page, runId: string): Promise<Run> {
  return query<Run>(page, "runs.join", { runId });
}

async function landedRunId(page: Page): Promise<string> {
  await expect(page).toHaveURL(RUN_PAGE);
  return RUN_PAGE.exec(new URL(page.url()).pathname)![1]!;
}

/** The form's own alerts (Next's route announcer is an alert too). */
const formAlert = (page: Page) => page.getByRole("form", { name: "New run" }).getByRole("alert");

async function openNewRun(page: Page): Promise<void> {
  await page.goto("/runs/new");
  await expect(page.getByRole("heading", { level: 1, name: "New run" })).toBeVisible();
  await page.getByLabel("Assistant").selectOption({ label: "agent" });
}

test("a message run started from New run lands on its page, and the usage page shows its tokens", async ({ page }) => {
  await signIn(page, createOperator());
  await openNewRun(page);
  await expect(page.getByRole("radio", { name: "New thread" })).toBeChecked();
  await page.getByRole("textbox", { name: "Message" }).fill("How many tokens was this?");
  await page.getByRole("button", { name: "Start run" }).click();
  const runId = await landedRunId(page);

  // the run exists, on a thread of its own (made first, so it has a thread page), with the message as input
  const run = await finished(page, runId);
  expect(run.status).toBe("success");
  expect(run.kwargs.input).toEqual({ messages: [{ role: "user", content: "How many tokens was this?" }] });
  const thread = await page.request.get(`/api/langgraph/threads/${run.threadId}`, { headers: NO_KEEP_ALIVE });
  expect(thread.status()).toBe(200);

  const usage = await query<{ byModel: { model: string; totalTokens: number }[] }>(page, "usage.byRun", { runId });
  const modelTokens = usage.byModel.find((m) => m.model === "fake-chat-1")?.totalTokens ?? 0;
  expect(modelTokens).toBeGreaterThan(0);
  expect(modelTokens).toBe(run.totalTokens);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Window" })).toHaveValue("24h");
  await expect(page.getByRole("combobox", { name: "Window" }).locator("option:checked")).toHaveText("Last 24 hours (hourly)");

  const byModel = page.getByRole("table", { name: "Tokens by model" });
  const modelRow = byModel.getByRole("row", { name: /fake-chat-1/ });
  await expect(modelRow.getByRole("cell").first()).toHaveText(tokens(run.totalTokens));
  await expect(page.getByRole("region", { name: "Usage totals" }).getByText(tokens(run.totalTokens), { exact: true })).toBeVisible();
  await expect(
    page
      .getByRole("table", { name: "Tokens by caller" })
      .getByRole("row", { name: /Lead agent/ })
      .getByRole("cell")
      .first(),
  ).toHaveText(tokens(run.totalTokens));
  const topThread = page.getByRole("table", { name: "Top threads" }).getByRole("link", { name: run.threadId });
  await expect(topThread).toHaveAttribute("href", `/threads/${run.threadId}`);
  await expect(page.getByRole("table", { name: "Top assistants" }).getByRole("row", { name: /agent/ })).toContainText(
    tokens(run.totalTokens),
  );

  // the daily windows hold the same tokens
  await page.getByRole("combobox", { name: "Window" }).selectOption({ label: "Last 7 days (daily)" });
  await expect(page).toHaveURL(/\?window=7d$/);
  await expect(
    byModel
      .getByRole("row", { name: /fake-chat-1/ })
      .getByRole("cell")
      .first(),
  ).toHaveText(tokens(run.totalTokens));
});

test("JSON input: invalid JSON is refused with a visible error before sending, valid JSON is sent as the input; an open usage page shows its tokens", async ({
  page,
}) => {
  await signIn(page, createOperator());

  // nothing run yet: the usage page says so; it stays open in a second tab
  const usagePage = await page.context().newPage();
  await usagePage.goto("/usage");
  await expect(usagePage.getByText("No token usage in the last 24 hours")).toBeVisible();

  const mutations: string[] = [];
  page.on("request", (req) => {
    if (req.method() === "POST" && req.url().includes("/api/trpc/")) mutations.push(new URL(req.url()).pathname);
  });
  await openNewRun(page);
  await page.getByRole("textbox", { name: "Message" }).fill("carried over");
  await page.getByRole("radio", { name: "JSON" }).check();
  const json = page.getByRole("textbox", { name: "Input JSON" });
  // switching keeps what the message would have sent
  await expect(json).toHaveValue(JSON.stringify({ messages: [{ role: "user", content: "carried over" }] }, null, 2));

  await json.fill('{"messages": [{"role": "user", "content": "unclosed"}');
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(formAlert(page)).toContainText("Input JSON is not valid JSON");
  await expect(json).toHaveAttribute("aria-invalid", "true");

  await json.fill("[1, 2, 3]");
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(formAlert(page)).toContainText("Input JSON must be a JSON object");
  await expect(page).toHaveURL(/\/runs\/new$/);
  expect(mutations).toEqual([]);

  const input = { messages: [{ role: "user", content: "Sent as JSON" }] };
  await json.fill(JSON.stringify(input));
  await page.getByRole("button", { name: "Start run" }).click();
  const runId = await landedRunId(page);
  const run = await finished(page, runId);
  expect(run.kwargs.input).toEqual(input);
  expect(run.status).toBe("success");

  // the open usage page shows the finished run's tokens without a reload (pushed by runs.watch)
  await expect(
    usagePage
      .getByRole("table", { name: "Tokens by model" })
      .getByRole("row", { name: /fake-chat-1/ })
      .getByRole("cell")
      .first(),
  ).toHaveText(tokens(run.totalTokens));
});

test("an existing thread: a malformed id is refused, an unknown one shows the API's error", async ({ page }) => {
  await signIn(page, createOperator());
  await openNewRun(page);
  await page.getByRole("textbox", { name: "Message" }).fill("on a thread that is not there");
  await page.getByRole("radio", { name: "Existing thread" }).check();
  // a text box with the recent threads to pick from
  const threadId = page.getByRole("combobox", { name: "Thread ID" });

  await threadId.fill("not-a-thread");
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(formAlert(page)).toContainText("A thread id is a UUID");

  const missing = randomUUID();
  await threadId.fill(missing);
  await page.getByRole("button", { name: "Start run" }).click();
  const error = formAlert(page);
  await expect(error).toContainText("Could not start the run");
  await expect(error).toContainText("NOT_FOUND");
  await expect(error).toContainText(missing);
  await expect(page).toHaveURL(/\/runs\/new$/);
  await expect(page.getByRole("button", { name: "Start run" })).toBeEnabled();
});
