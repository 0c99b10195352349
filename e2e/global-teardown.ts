import { rmSync } from "node:fs";

/** Removes the throwaway database folder playwright.config.ts made for this run. */
export default function globalTeardown(): void {
  const dir = process.env["LGRS_E2E_DB_DIR"];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
