/**
 * The tRPC client example (examples/trpc-client.ts) works as its comment says:
 * run as a Node script against a server, with a user's API key.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.ts";

const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

let server: TestServer;
beforeAll(async () => (server = await startTestServer()), 120_000);
afterAll(() => server?.stop());

function runExample(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "examples/trpc-client.ts"], {
    cwd: API_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const REPLY =
  'You said: "Hello from the tRPC example". This reply comes from the bundled offline model, streamed token by token so you can watch it arrive.';

it("streams the agent's reply as it grows, then cancels a slow run, which ends interrupted", async () => {
  const { key, client } = await server.user();
  const { code, stdout, stderr } = await runExample({ SERVER_URL: server.url, API_KEY: key });
  expect(stderr).toBe("");
  expect(code).toBe(0);

  const lines = stdout.split("\n");
  // the reply is printed as it grows: one line per token, each extending the one before
  const growing = lines.filter((l) => /^ {2}#\d+ You/.test(l)).map((l) => l.replace(/^ {2}#\d+ /, ""));
  expect(growing.length).toBeGreaterThan(10);
  growing.slice(1).forEach((text, i) => expect(text.startsWith(growing[i]!) && text.length > growing[i]!.length).toBe(true));
  expect(growing.at(-1)).toBe(REPLY);
  expect(lines).toContain("agent run ended: success");
  expect(lines).toContain(`reply: ${REPLY}`);

  expect(lines).toContain("slow run stream ended: interrupted");
  expect(lines).toContain("slow run cancelled, final status: interrupted");

  // what it printed is what the server holds: the user's two runs, as the script says they ended
  const runs = await client.runs.list.query();
  expect(runs.items.map((r) => r.status)).toEqual(["interrupted", "success"]);
  const thread = await client.threads.get.query({ threadId: runs.items[1]!.threadId });
  expect(thread.metadata).toMatchObject({ source: "trpc-client example" });
  expect(stdout).toContain(`thread ${thread.id}`);
}, 60_000);

it("explains what to set when API_KEY is missing, and fails", async () => {
  const { code, stderr } = await runExample({ SERVER_URL: server.url, API_KEY: "" });
  expect(code).toBe(1);
  expect(stderr).toMatch(/Set API_KEY/);
});

it("fails with the server's message for a wrong key", async () => {
  const { code, stderr } = await runExample({ SERVER_URL: server.url, API_KEY: "not-a-key" });
  expect(code).toBe(1);
  expect(stderr).toMatch(/API key/);
});
