/**
 * Screenshots of the dashboard's main pages for the README (docs/screenshots).
 * Start a server first, then:
 *   SERVER_URL=http://127.0.0.1:3000 EMAIL=... PASSWORD=... node scripts/screenshots.mjs
 * It signs in, starts a few runs of the bundled graphs, and photographs the pages.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const base = process.env.SERVER_URL ?? "http://127.0.0.1:3000";
const out = path.resolve(import.meta.dirname, "../docs/screenshots");
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined });
// writes with the session cookie must name this server as their origin (cross-site protection)
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, extraHTTPHeaders: { origin: base } });
const page = await context.newPage();
const api = context.request;

const signIn = await api.post(`${base}/api/auth/sign-in/email`, {
  data: { email: process.env.EMAIL, password: process.env.PASSWORD },
  headers: { origin: base },
});
if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()} ${await signIn.text()}`);

/** The JSON body of a successful answer; anything else stops the script with what the server said. */
async function ok(res) {
  if (!res.ok()) throw new Error(`${res.url()}: ${res.status()} ${await res.text()}`);
  return res.json();
}

async function run(assistant, input, config = {}, wait = true) {
  const thread = await ok(await api.post(`${base}/api/langgraph/threads`, { data: {} }));
  const body = { assistant_id: assistant, input, config: { configurable: config }, stream_mode: ["values", "messages-tuple"] };
  const res = await ok(await api.post(`${base}/api/langgraph/threads/${thread.thread_id}/runs${wait ? "/wait" : ""}`, { data: body }));
  return { threadId: thread.thread_id, run: wait ? null : res };
}

const chat = (text) => ({ messages: [{ role: "user", content: text }] });
await run("agent", chat("Summarise yesterday's deploys"));
await run("agent", chat("Which runs failed this week?"));
await run("trivial", {});
const human = await run("human", { request: "ship v2" });
await run("failing", {});
// a run an operator stopped: the runs list says who
const stopped = await run("slow", {}, { step_delay_ms: 2000 }, false);
const cancelled = await api.post(`${base}/api/langgraph/threads/${stopped.threadId}/runs/${stopped.run.run_id}/cancel?wait=1`);
if (!cancelled.ok()) throw new Error(`cancel: ${cancelled.status()} ${await cancelled.text()}`);
const live = await run("agent", chat("Explain rollbacks in two sentences"), { token_delay_ms: 120 }, false);
await run("slow", {}, { step_delay_ms: 4000 }, false);

async function shot(url, name, wait) {
  await page.goto(`${base}${url}`);
  if (wait) await wait();
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.screenshot({ path: path.join(out, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

const [agent] = await ok(await api.post(`${base}/api/langgraph/assistants/search`, { data: { graph_id: "agent", limit: 1 } }));

await shot(`/runs/${live.run.run_id}`, "run-detail", () => page.waitForTimeout(1500));
await shot("/runs", "runs");
await shot(`/threads/${human.threadId}`, "thread-interrupt");
await shot("/usage", "usage");
await shot("/runs/new", "new-run");
await shot("/find?q=deploys", "find");
await shot(`/assistants/${agent.assistant_id}`, "assistant", () => page.waitForTimeout(500));
// the same pages as a phone and in the system's dark setting show them
await page.emulateMedia({ colorScheme: "dark" });
await shot("/runs", "runs-dark");
await page.emulateMedia({ colorScheme: "light" });
await page.setViewportSize({ width: 390, height: 844 });
await shot(`/runs/${live.run.run_id}`, "run-detail-phone");
await page.setViewportSize({ width: 1280, height: 800 });
await context.clearCookies();
await shot("/sign-in", "sign-in");
await browser.close();
