import { expect, test } from "./support/session.ts";

test("the health page shows the product and a migrated database", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });

  const response = await page.goto("/health");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("LangGraph Run Server");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LangGraph Run Server");
  await expect(page.getByTestId("db-provider")).toHaveText("SQLite");
  await expect(page.getByTestId("db-migrated")).toContainText("yes");
  await expect(page.getByTestId("health-status")).toHaveText("OK");
  expect(problems).toEqual([]);
});

test("GET /api/health answers 200 with a migrated database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({
    status: "ok",
    version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    database: { provider: "sqlite", reachable: true, migrated: true, pendingMigrations: [] },
  });
});
