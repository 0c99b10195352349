import type { APIRequestContext } from "@playwright/test";
import { expect, test, baseUrl, signIn } from "./support/session.ts";

/**
 * The assistants pages (/assistants, /assistants/{id}): an assistant changed twice
 * shows its three versions, "Make current" on the first makes it the current one
 * (what the LangGraph API then answers too), and a graph's default assistant is
 * read-only. Assistants are made through the LangGraph REST shim with the session cookie.
 */

// writes with the session cookie name this server as their origin, as the dashboard's own requests do
const NO_KEEP_ALIVE = () => ({ connection: "close", origin: baseUrl() });

async function api<T>(request: APIRequestContext, method: "GET" | "POST" | "PATCH", path: string, data?: unknown): Promise<T> {
  const res = await request.fetch(`/api/langgraph${path}`, { method, data, headers: NO_KEEP_ALIVE(), timeout: 60_000 });
  expect(res.status(), `${method} ${path}: ${await res.text()}`).toBe(200);
  return (await res.json()) as T;
}

test("an assistant's versions are listed and the first is made current again", async ({ page }) => {
  await signIn(page);
  const name = `versioned ${Date.now()}`;
  const made = await api<{ assistant_id: string }>(page.request, "POST", "/assistants", {
    graph_id: "trivial",
    name,
    config: { configurable: { mood: "first" } },
  });
  const id = made.assistant_id;
  await api(page.request, "PATCH", `/assistants/${id}`, { config: { configurable: { mood: "second" } } });
  await api(page.request, "PATCH", `/assistants/${id}`, { name: `${name} (renamed)` });

  await page.goto("/assistants");
  await page.getByRole("link", { name: `${name} (renamed)` }).click();
  await expect(page).toHaveURL(new RegExp(`/assistants/${id}$`));
  await expect(page.getByTestId("current-version")).toHaveText("3");
  const versions = page.getByRole("list", { name: "Versions, newest first" });
  await expect(versions.getByRole("listitem")).toHaveCount(3);
  await expect(versions.locator("[data-version='3']")).toContainText("current");
  await page.screenshot({ path: "/tmp/assistant-versions-1280.png", fullPage: true });

  await versions.locator("[data-version='1']").getByRole("button", { name: "Make current" }).click();
  await expect(page.getByTestId("current-version")).toHaveText("1");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(versions.locator("[data-version='1']")).toContainText("current");
  await expect(page.getByRole("region", { name: "Current configuration" })).toContainText('"mood": "first"');
  const now = await api<{ version: number; name: string }>(page.request, "GET", `/assistants/${id}`);
  expect(now).toMatchObject({ version: 1, name });
});

test("a graph's default assistant is read-only: no version can be made current", async ({ page }) => {
  await signIn(page);
  await page.goto("/assistants/trivial");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("trivial");
  await expect(page.getByText("read-only")).toBeVisible();
  await expect(page.getByRole("button", { name: "Make current" })).toHaveCount(0);
});
