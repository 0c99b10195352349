#!/usr/bin/env node
// Packs @lgrs/client and @lgrs/playwright from this checkout into ./vendor, where
// package.json installs them from (they are not on a registry). Run `pnpm build` in the
// checkout first. `pnpm pack` writes the workspace dependency of one on the other as a version.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

const here = path.resolve(import.meta.dirname, "..");
const repo = path.resolve(here, "../..");
const vendor = path.join(here, "vendor");
mkdirSync(vendor, { recursive: true });
for (const pkg of ["client", "playwright"]) {
  execFileSync("pnpm", ["pack", "--pack-destination", vendor], { cwd: path.join(repo, "packages", pkg), stdio: "inherit" });
}
