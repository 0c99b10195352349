/**
 * The Playwright fixtures: one run server per worker (so a suite runs in parallel),
 * typed clients already authenticated, a signed-in page, event-driven waits and an
 * empty slate on demand.
 */
import { Client } from "@langchain/langgraph-sdk";
import { createClient } from "@lgrs/client";
import { test as base, expect, type Page } from "@playwright/test";
import { startServer, type RunServer } from "./server.ts";
import { streamUntil, waitForInterrupt, waitForRun, type RunStreamEvent, type TrpcClient, type WaitOptions } from "./waits.ts";

export interface Api {
  /** the server's tRPC API as the bootstrap admin (`@lgrs/client`) */
  trpc: TrpcClient;
  /** the official LangGraph SDK on the server's LangGraph API, as the bootstrap admin */
  sdk: Client;
}

/** Settings of the worker's server: set them with `test.use()` at the top of a file, or in the config's `use`. */
export interface RunServerOptions {
  /** apps/web of a built checkout of the server (default: LGRS_SERVER_DIR) */
  serverDir: string | undefined;
  /** the langgraph.json to serve (default: ./langgraph.json when it exists, else the bundled graphs) */
  langgraphConfig: string | undefined;
  /** a PostgreSQL URL: a fresh database there instead of SQLite (default: LGRS_POSTGRES_URL, else SQLite) */
  postgresUrl: string | undefined;
  /** more environment for the server */
  serverEnv: Record<string, string>;
}

export interface WorkerFixtures extends RunServerOptions {
  /** the worker's server, started once for all its tests and stopped (database removed) after them */
  server: RunServer;
}

export interface TestFixtures {
  api: Api;
  /** a page whose browser context has the bootstrap admin's operator session */
  signedInPage: Page;
  /** resolves with the run once it has that status; rejects if it ends otherwise */
  waitForRun: (runId: string, status: Parameters<typeof waitForRun>[2], options?: WaitOptions) => ReturnType<typeof waitForRun>;
  /** resolves with the thread's state once a run on it stops at an interrupt */
  waitForInterrupt: (threadId: string, options?: WaitOptions) => ReturnType<typeof waitForInterrupt>;
  /** resolves with the first event of the run that `predicate` accepts */
  streamUntil: (runId: string, predicate: (event: RunStreamEvent) => boolean, options?: WaitOptions) => Promise<RunStreamEvent>;
  /** empties threads, runs, crons, the store, feedback and usage on the worker's server (users and keys stay) */
  resetData: () => Promise<void>;
}

/**
 * Signs a page's browser context in. `page.request` pools keep-alive sockets the server
 * may already have closed: this request asks for a fresh one.
 */
export async function signIn(page: Page, server: Pick<RunServer, "url">, who: { email: string; password: string }): Promise<void> {
  const res = await page.request.post(`${server.url}/api/auth/sign-in/email`, {
    data: who,
    headers: { origin: server.url, connection: "close" },
  });
  expect(res.status(), `sign-in of ${who.email}: ${await res.text()}`).toBe(200);
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serverDir: [undefined, { option: true, scope: "worker" }],
  langgraphConfig: [undefined, { option: true, scope: "worker" }],
  postgresUrl: [process.env["LGRS_POSTGRES_URL"] || undefined, { option: true, scope: "worker" }],
  serverEnv: [{}, { option: true, scope: "worker" }],

  server: [
    async ({ serverDir, langgraphConfig, postgresUrl, serverEnv }, use) => {
      const server = await startServer({ serverDir, langgraphConfig, postgresUrl, env: serverEnv });
      try {
        await use(server);
      } finally {
        await server.stop();
      }
    },
    // a cold server start (Next, the graphs) takes seconds on a busy machine
    { scope: "worker", timeout: 90_000 },
  ],

  // pages and `request` resolve relative URLs against the worker's server
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },

  api: async ({ server }, use) => {
    await use({
      trpc: createClient({ url: server.url, apiKey: server.apiKey }),
      sdk: new Client({ apiUrl: `${server.url}/api/langgraph`, apiKey: server.apiKey }),
    });
  },

  signedInPage: async ({ page, server }, use) => {
    await signIn(page, server, server.admin);
    await use(page);
  },

  waitForRun: async ({ api }, use) => {
    await use((runId, status, options) => waitForRun(api.trpc, runId, status, options));
  },

  waitForInterrupt: async ({ api }, use) => {
    await use((threadId, options) => waitForInterrupt(api.trpc, threadId, options));
  },

  streamUntil: async ({ api }, use) => {
    await use((runId, predicate, options) => streamUntil(api.trpc, runId, predicate, options));
  },

  resetData: async ({ api }, use) => {
    await use(async () => {
      await api.trpc.testing.resetData.mutate({});
    });
  },
});

export { expect };
