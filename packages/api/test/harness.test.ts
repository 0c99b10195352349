import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => (server = await startTestServer()), 120_000);
afterAll(() => server?.stop());

it("serves the API to the bootstrap admin key", async () => {
  const me = await server.admin.account.me.query();
  expect(me).toMatchObject({ role: "admin", via: "api-key" });
});
