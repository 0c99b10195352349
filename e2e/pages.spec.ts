import { createOperator, expect, signIn, test } from "./support/session.ts";

/**
 * What every page shares: a styled 404 for a path nobody serves, the system's dark
 * mode, and the SDK demos inside the dashboard's navigation.
 */

test("a path nobody serves is a 404 page that says so and links back", async ({ page }) => {
  const answer = await page.goto("/no/such/page");
  expect(answer?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "This page does not exist" })).toBeVisible();
  await expect(page).toHaveTitle(/Not found/);
  await page.getByRole("link", { name: "Go to the runs" }).click();
  // signed out: the runs page sends the visitor on to sign in, and back after
  await expect(page).toHaveURL(/\/sign-in/);
});

test("follows the system's dark setting", async ({ page }) => {
  await page.goto("/sign-in");
  const colors = async (scheme: "light" | "dark") => {
    await page.emulateMedia({ colorScheme: scheme });
    return page.evaluate(() => {
      const style = getComputedStyle(document.body);
      return { background: style.backgroundColor, color: style.color };
    });
  };
  const light = await colors("light");
  const dark = await colors("dark");
  const luminance = (rgb: string) => {
    const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  expect(luminance(light.background)).toBeGreaterThan(200);
  expect(luminance(dark.background)).toBeLessThan(60);
  // the text stays readable: light on dark
  expect(luminance(dark.color)).toBeGreaterThan(180);
});

test("the SDK demos are pages of the dashboard, with its navigation", async ({ page }) => {
  await signIn(page, createOperator());
  await page.goto("/runs");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "SDK demo" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "LangGraph SDK demo" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "SDK demo" })).toHaveAttribute("aria-current", "page");
  await page.getByRole("link", { name: "the protocol v2 demo" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "LangGraph protocol v2 demo" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Runs" })).toBeVisible();
});
