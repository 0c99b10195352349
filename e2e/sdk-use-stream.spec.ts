import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/session.ts";

/**
 * The official SDK's React `useStream` (page /sdk-demo) against this server's
 * LangGraph Platform API: a reply streamed token by token, Stop, and a reload in
 * the middle of a run that rejoins it (`reconnectOnMount`) and sees it finish.
 */

/** The bundled fake model's pause before each of its ~22 tokens: a reply takes ~6.6 s, time to stop or reload mid-way. */
const TOKEN_DELAY_MS = 300;

/** What the bundled offline model answers (packages/graphs/src/fake-chat-model.ts). */
function replyTo(said: string): string {
  return `You said: "${said}". This reply comes from the bundled offline model, streamed token by token so you can watch it arrive.`;
}

/**
 * `page.request` pools keep-alive sockets past the server's `Keep-Alive: timeout=5`
 * and then fails with ECONNRESET when it reuses one (microsoft/playwright#42701):
 * these requests ask for the connection to be closed instead.
 */
const NO_KEEP_ALIVE = { Connection: "close" };

/** A GET on the LangGraph API with the page's session cookie: the JSON body. */
async function apiGet<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`/api/langgraph${path}`, { headers: NO_KEEP_ALIVE });
  expect(res.status(), `GET /api/langgraph${path}`).toBe(200);
  return (await res.json()) as T;
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? "";
}

/** Waits for the text to grow past `before`, and returns it. */
async function grownPast(locator: Locator, before: string): Promise<string> {
  await expect.poll(async () => (await textOf(locator)).length, { timeout: 5_000 }).toBeGreaterThan(before.length);
  return textOf(locator);
}

/** Checks one read of a reply taken mid-stream: a strict prefix of the whole reply. */
function expectPartOf(text: string, full: string): void {
  expect(full.startsWith(text), `${JSON.stringify(text)} is not the start of the reply`).toBe(true);
  expect(text.length).toBeLessThan(full.length);
}

test("useStream: a reply streams token by token, Stop ends it, a reload mid-run rejoins it", async ({ signedInPage: page, waitForRun }) => {
  test.setTimeout(90_000);
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));

  await page.goto(`/sdk-demo?token_delay_ms=${TOKEN_DELAY_MS}`);

  const chat = page.getByRole("region", { name: "Chat" });
  const input = chat.getByRole("textbox", { name: "Message" });
  const send = chat.getByRole("button", { name: "Send" });
  const stop = chat.getByRole("button", { name: "Stop" });
  const status = chat.getByRole("status", { name: "Run status" });
  const messages = chat.getByRole("list", { name: "Messages" });
  const humans = messages.getByTestId("message-human");
  const replies = messages.getByTestId("message-ai");
  await expect(status).toHaveText("Idle");
  await expect(stop).toBeDisabled();

  // 1. A reply arrives and grows while the run streams.
  const first = replyTo("hello there");
  await input.fill("hello there");
  await send.click();
  await expect(status).toHaveText("Streaming");
  await expect(send).toBeDisabled();
  await expect(page).toHaveURL(/[?&]thread=[0-9a-f-]{36}(&|$)/);
  const threadId = new URL(page.url()).searchParams.get("thread")!;
  expect(new URL(page.url()).searchParams.get("token_delay_ms")).toBe(String(TOKEN_DELAY_MS));
  await expect(humans).toHaveText(["hello there"]);
  await expect(replies.last()).toHaveText(/^You said: /);
  const early = await textOf(replies.last());
  expectPartOf(early, first);
  const later = await grownPast(replies.last(), early);
  expectPartOf(later, first);
  expect(later.length).toBeGreaterThan(early.length);
  await expect(status).toHaveText("Streaming");

  // 2. Stop: the run is cancelled on the server, the status returns to Idle and nothing grows any more.
  await stop.click();
  await expect(status).toHaveText("Idle");
  await expect(send).toBeEnabled();
  await expect(stop).toBeDisabled();
  const runStatuses = async () => (await apiGet<{ status: string }[]>(page, `/threads/${threadId}/runs`)).map((r) => r.status);
  const [stoppedRun] = await apiGet<{ run_id: string }[]>(page, `/threads/${threadId}/runs`);
  await waitForRun(stoppedRun!.run_id, "interrupted");
  expect(await runStatuses()).toEqual(["interrupted"]);
  type ThreadState = { values: { messages: { type: string }[] } };
  const kept = (await apiGet<ThreadState>(page, `/threads/${threadId}/state`)).values.messages;
  // the model was cut off mid-reply, so the thread keeps the question only (as on LangGraph Platform) ...
  expect(kept.map((m) => m.type)).toEqual(["human"]);
  // ... and the page, which re-reads the thread after a stop, shows just that, and it stays so
  await expect(humans).toHaveText(["hello there"]);
  await expect(replies).toHaveCount(0);
  // not a wait for the run (it has ended, above): time for a late token to show, were the page still listening
  await page.waitForTimeout(TOKEN_DELAY_MS * 5);
  await expect(status).toHaveText("Idle");
  await expect(replies).toHaveCount(0);
  expect(await runStatuses()).toEqual(["interrupted"]);

  // 3. A second message; a reload while its reply streams rejoins the run, which goes on to the end.
  const second = replyTo("second message");
  await input.fill("second message");
  await send.click();
  await expect(status).toHaveText("Streaming");
  const reply = replies.last();
  await expect(reply).toHaveText(/^You said: "second/);
  const beforeReload = await textOf(reply);
  expectPartOf(beforeReload, second);

  await page.reload();
  await expect(page).toHaveURL(new RegExp(`[?&]thread=${threadId}(&|$)`));
  await expect(status).toHaveText("Streaming");
  await expect(humans).toHaveText(["hello there", "second message"]);
  await expect(reply).toHaveText(/^You said: "second message"/);
  // still live after the reload: read twice, longer the second time, not yet whole
  const rejoined = await textOf(reply);
  expectPartOf(rejoined, second);
  const rejoinedLater = await grownPast(reply, rejoined);
  expectPartOf(rejoinedLater, second);
  await expect(status).toHaveText("Streaming");

  await expect(reply).toHaveText(second, { timeout: 20_000 });
  await expect(status).toHaveText("Idle");
  await expect(send).toBeEnabled();
  // the replayed start of the run is not shown twice
  await expect(replies.filter({ hasText: '"second message"' })).toHaveCount(1);
  await expect(humans).toHaveText(["hello there", "second message"]);

  await page.screenshot({ path: "/tmp/sdk-demo.png", fullPage: true });
  expect(problems).toEqual([]);
});
