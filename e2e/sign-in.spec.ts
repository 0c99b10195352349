import type { Page } from "@playwright/test";
import { expect, test, admin } from "./support/session.ts";

/**
 * The dashboard is for signed-in operators only: a signed-out visit goes to the
 * sign-in form, which refuses a wrong password, and after signing in comes back
 * to the page first asked for; Sign out in the top bar ends the session.
 */

async function expectSignInPage(page: Page, next: string): Promise<void> {
  await expect(page).toHaveURL((url) => url.pathname === "/sign-in" && url.searchParams.get("next") === next);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
}

async function fillSignIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

for (const path of ["/runs", "/usage"]) {
  test(`a signed-out visit to ${path} leads to the sign-in page`, async ({ page }) => {
    await page.goto(path);
    await expectSignInPage(page, path);
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  });
}

test("a wrong password shows an error and signs nobody in", async ({ page }) => {
  await page.goto("/usage");
  await expectSignInPage(page, "/usage");
  await fillSignIn(page, { email: admin().email, password: `${admin().password}-wrong` });
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText(/invalid email or password/i);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  await expectSignInPage(page, "/usage");

  // still signed out: the dashboard turns the visit away
  await page.goto("/usage");
  await expectSignInPage(page, "/usage");
});

test("signing in through the form lands on the page first asked for, and Sign out returns to sign-in", async ({ page }) => {
  await page.goto("/usage?window=7d");
  await expectSignInPage(page, "/usage?window=7d");
  await fillSignIn(page, admin());

  await expect(page).toHaveURL((url) => url.pathname === "/usage" && url.searchParams.get("window") === "7d");
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Window" })).toHaveValue("7d");
  const topBar = page.getByRole("banner");
  await expect(topBar.getByText(admin().email)).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" })).toHaveAttribute("aria-current", "page");

  await topBar.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/sign-in");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();

  // the session is gone, not only the page
  await page.goto("/runs/new");
  await expectSignInPage(page, "/runs/new");
});
