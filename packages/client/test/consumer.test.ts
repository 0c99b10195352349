/**
 * @lgrs/client as an outside app gets it: packed with `npm pack`, installed with plain
 * npm into a project outside the workspace, type-checked by tsc with the settings of
 * `tsc --init` (strict, module nodenext), then run against the real server. The
 * project sees only the tarball and what npm installs for it, never the server's source.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../api/test/support/test-server.ts";

const packageDir = path.resolve(import.meta.dirname, "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// npm's downloads are kept between runs here, and nowhere else
const npmCache = path.join(os.tmpdir(), "lgrs-client-consumer-npm-cache");

let app: string;
let server: TestServer;

/** tsc on one file of the app; the compiler's output (errors) and whether it passed. */
function typeCheck(file: string, emit = false): { ok: boolean; output: string } {
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(app, `tsconfig.${file}.json`), ...(emit ? [] : ["--noEmit"])], {
    cwd: app,
    encoding: "utf8",
  });
  return { ok: result.status === 0, output: result.stdout + result.stderr };
}

function writeProjectFile(name: string, text: string): void {
  writeFileSync(path.join(app, name), text);
  writeFileSync(
    path.join(app, `tsconfig.${name.replace(/\.ts$/, "")}.json`),
    JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { outDir: "out" }, files: [name] }),
  );
}

beforeAll(async () => {
  app = mkdtempSync(path.join(os.tmpdir(), "lgrs-client-consumer-"));
  const npm = (...args: string[]) => execFileSync("npm", args, { cwd: app, stdio: "pipe", encoding: "utf8" });
  // prepack builds dist/ first, as for a publish
  npm("pack", packageDir, "--pack-destination", app, "--silent");
  const tarball = readdirSync(app).find((name) => name.endsWith(".tgz"))!;
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  npm("install", `./${tarball}`, "--prefer-offline", "--no-audit", "--no-fund", "--cache", npmCache);
  // the settings a new project starts with
  execFileSync(process.execPath, [tsc, "--init"], { cwd: app, stdio: "pipe" });
  mkdirSync(path.join(app, "out"));
  server = await startTestServer();
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (app) rmSync(app, { recursive: true, force: true });
});

describe("@lgrs/client in an outside app", () => {
  it("type-checks a correct call and refuses a wrong input, naming the field", () => {
    writeProjectFile(
      "wrong.ts",
      `import { createClient } from "@lgrs/client";
const client = createClient({ url: "http://localhost:3000", apiKey: "key" });
export const run = await client.runs.create.mutate({ threadId: null, input: {} });
`,
    );
    const wrong = typeCheck("wrong");
    expect(wrong.ok).toBe(false);
    expect(wrong.output).toMatch(/error TS2345: .*Property 'assistantId' is missing/s);
  });

  it("creates a thread and a run and follows the run's events over a subscription", () => {
    writeProjectFile(
      "app.ts",
      `import { createClient, type inferRouterOutputs, type AppRouter } from "@lgrs/client";

type Thread = inferRouterOutputs<AppRouter>["threads"]["create"];
const client = createClient({ url: ${JSON.stringify(server.url)}, apiKey: ${JSON.stringify(ADMIN_KEY)} });
const thread: Thread = await client.threads.create.mutate({ metadata: { from: "consumer" } });
const run = await client.runs.create.mutate({
  threadId: thread.id,
  assistantId: "agent",
  input: { messages: [{ role: "user", content: "hi" }] },
  streamMode: ["messages-tuple"],
});
const events: string[] = [];
const status = await new Promise<string>((resolve, reject) => {
  const subscription = client.runs.stream.subscribe(
    { runId: run.id },
    {
      onData({ data }) {
        if (data.type === "event") events.push(data.event);
        else if (data.type === "end") {
          subscription.unsubscribe();
          resolve(data.status);
        }
      },
      onError: reject,
    },
  );
});
console.log(JSON.stringify({ sameThread: run.threadId === thread.id, createdAt: thread.createdAt instanceof Date, status, events }));
`,
    );
    const checked = typeCheck("app", true);
    expect(checked.output).toBe("");
    expect(checked.ok).toBe(true);
    const ran = spawnSync(process.execPath, ["out/app.js"], { cwd: app, encoding: "utf8", timeout: 30_000 });
    expect(ran.stderr).toBe("");
    const result = JSON.parse(ran.stdout) as { sameThread: boolean; createdAt: boolean; status: string; events: string[] };
    expect(result).toMatchObject({ sameThread: true, createdAt: true, status: "success" });
    expect(result.events).toContain("messages");
  });
});
