import type { Page } from "@playwright/test";
import { expect, test, baseUrl, createOperator, signIn } from "./support/session.ts";

/**
 * The Crons page lists the operator's crons with their schedule, zone and next
 * run, and pauses, resumes and deletes them. Each test signs in as a fresh
 * operator, who sees only the crons the test made.
 */

test.use({ locale: "en-US", timezoneId: "UTC" });

/** page.request reuses keep-alive sockets the server already closed (microsoft/playwright#42701): close each one. */
const NO_KEEP_ALIVE = { connection: "close" };

/** A tRPC mutation with the page's session (superjson on the wire): its data. */
async function mutate<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: { json: input }, headers: { ...NO_KEEP_ALIVE, origin: baseUrl() } });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test("lists a cron with its next run, pauses and resumes it, and deletes it after a confirmation", async ({ page }) => {
  await signIn(page, createOperator());
  const cron = await mutate<{ id: string; nextRunAt: string }>(page, "crons.create", {
    assistantId: "trivial",
    schedule: "30 6 * * *",
    timezone: "Europe/Berlin",
    payload: { input: { count: 1 } },
  });
  await page.goto("/runs");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Crons" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Crons" })).toBeVisible();

  const row = page.locator(`tr[data-cron-id="${cron.id}"]`);
  await expect(row.getByText("30 6 * * *")).toBeVisible();
  await expect(row.getByText("Europe/Berlin")).toBeVisible();
  await expect(row.getByText("new thread each run")).toBeVisible();
  await expect(row.getByRole("link", { name: "trivial", exact: true })).toBeVisible();
  await expect(row.locator("time").first()).toHaveAttribute("dateTime", new Date(cron.nextRunAt).toISOString());

  await row.getByRole("button", { name: "Pause cron 30 6 * * *" }).click();
  await expect(row.getByText("paused", { exact: true })).toBeVisible();
  await expect(row).toHaveAttribute("data-enabled", "false");
  // each action says it was done
  await expect(page.getByRole("listitem").filter({ hasText: "Cron paused" })).toBeVisible();
  await row.getByRole("button", { name: "Resume cron 30 6 * * *" }).click();
  await expect(row).toHaveAttribute("data-enabled", "true");
  await expect(row.getByText("paused", { exact: true })).toBeHidden();

  await row.getByRole("button", { name: "Delete cron 30 6 * * *" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this cron?" });
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("No crons yet")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Cron deleted" })).toBeVisible();
});
