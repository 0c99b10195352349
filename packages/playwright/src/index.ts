/**
 * Playwright fixtures for suites that test agents and apps against the LangGraph run
 * server: `import { test, expect } from "@lgrs/playwright"`. The scripted chat model for
 * graphs is in `@lgrs/playwright/model` (it does not load Playwright).
 */
export { test, expect, signIn, type Api, type RunServerOptions, type TestFixtures, type WorkerFixtures } from "./fixtures.ts";
export { startServer, type RunServer, type ServerOptions } from "./server.ts";
export {
  waitForRun,
  waitForInterrupt,
  streamUntil,
  type Run,
  type RunStatus,
  type RunStreamEvent,
  type ThreadState,
  type TrpcClient,
  type WaitOptions,
} from "./waits.ts";
export type { ModelScript, ScriptedTurn, ScriptedToolCall } from "./scripted-chat-model.ts";
