import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/session.ts";

/**
 * `@langchain/react`'s `useStream` (the thread-centric v2 protocol; page
 * /sdk-v2-demo) against this server, over SSE and over WebSocket, signed in by
 * the session cookie: a reply streams token by token, Stop cancels the run, and a
 * reload in the middle of a run rejoins it and sees it finish.
 */

/** The bundled fake model's pause before each of its ~22 tokens: a reply takes ~6.6 s, time to stop or reload mid-way. */
const TOKEN_DELAY_MS = 300;

function replyTo(said: string): string {
  return `You said: "${said}". This reply comes from the bundled offline model, streamed token by token so you can watch it arrive.`;
}

/** `page.request` reuses keep-alive sockets past the server's timeout (microsoft/playwright#42701): close them instead. */
const NO_KEEP_ALIVE = { Connection: "close" };

async function apiGet<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`/api/langgraph${path}`, { headers: NO_KEEP_ALIVE });
  expect(res.status(), `GET /api/langgraph${path}`).toBe(200);
  return (await res.json()) as T;
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? "";
}

async function grownPast(locator: Locator, before: string): Promise<string> {
  await expect.poll(async () => (await textOf(locator)).length, { timeout: 5_000 }).toBeGreaterThan(before.length);
  return textOf(locator);
}

function expectPartOf(text: string, full: string): void {
  expect(full.startsWith(text), `${JSON.stringify(text)} is not the start of the reply`).toBe(true);
  expect(text.length).toBeLessThan(full.length);
}

for (const transport of ["sse", "websocket"] as const) {
  test(`@langchain/react useStream over ${transport}: tokens arrive, Stop cancels, a reload mid-run rejoins`, async ({
    signedInPage: page,
    waitForRun,
  }) => {
    test.setTimeout(90_000);
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));

    await page.goto(`/sdk-v2-demo?transport=${transport}&token_delay_ms=${TOKEN_DELAY_MS}`);

    const chat = page.getByRole("region", { name: "Chat" });
    const input = chat.getByRole("textbox", { name: "Message" });
    const send = chat.getByRole("button", { name: "Send" });
    const stop = chat.getByRole("button", { name: "Stop" });
    const status = chat.getByRole("status", { name: "Run status" });
    const messages = chat.getByRole("list", { name: "Messages" });
    const humans = messages.getByTestId("message-human");
    const replies = messages.getByTestId("message-ai");
    await expect(status).toHaveText("Idle");

    // 1. A reply arrives and grows while the run streams.
    const first = replyTo("hello there");
    await input.fill("hello there");
    await send.click();
    await expect(status).toHaveText("Streaming");
    await expect(page).toHaveURL(/[?&]thread=[0-9a-f-]{36}(&|$)/);
    const threadId = new URL(page.url()).searchParams.get("thread")!;
    await expect(humans).toHaveText(["hello there"]);
    await expect(replies.last()).toHaveText(/^You said: /);
    const early = await textOf(replies.last());
    expectPartOf(early, first);
    const later = await grownPast(replies.last(), early);
    expectPartOf(later, first);

    // 2. Stop: the run is cancelled on the server (an ordinary run), nothing grows any more.
    await stop.click();
    await expect(status).toHaveText("Idle");
    const runStatuses = async () => (await apiGet<{ status: string }[]>(page, `/threads/${threadId}/runs`)).map((r) => r.status);
    const [stoppedRun] = await apiGet<{ run_id: string }[]>(page, `/threads/${threadId}/runs`);
    await waitForRun(stoppedRun!.run_id, "interrupted");
    expect(await runStatuses()).toEqual(["interrupted"]);
    const stopped = await textOf(replies.last()).catch(() => "");
    // not a wait for the run (it has ended, above): time for a late token to show, were the page still listening
    await page.waitForTimeout(TOKEN_DELAY_MS * 4);
    expect(await textOf(replies.last()).catch(() => "")).toBe(stopped);
    await expect(status).toHaveText("Idle");

    // 3. A second message; a reload while its reply streams rejoins the run, which goes on to the end.
    const second = replyTo("second message");
    await input.fill("second message");
    await send.click();
    await expect(status).toHaveText("Streaming");
    const reply = replies.last();
    await expect(reply).toHaveText(/^You said: "second/);
    expectPartOf(await textOf(reply), second);

    await page.reload();
    await expect(page).toHaveURL(new RegExp(`[?&]thread=${threadId}(&|$)`));
    await expect(reply).toHaveText(/^You said: "second message"/);
    const rejoined = await textOf(reply);
    expectPartOf(rejoined, second);
    // still live after the reload: longer a moment later
    await grownPast(reply, rejoined);

    await expect(reply).toHaveText(second, { timeout: 20_000 });
    await expect(status).toHaveText("Idle");
    await expect(replies.filter({ hasText: '"second message"' })).toHaveCount(1);
    const [latest] = await apiGet<{ run_id: string }[]>(page, `/threads/${threadId}/runs`);
    await waitForRun(latest!.run_id, "success");
    expect(await runStatuses()).toEqual(["success", "interrupted"]);
    expect(problems).toEqual([]);
  });
}
