#!/usr/bin/env node
// `node scripts/each-package.mjs <script>`: runs that package script in every workspace
// package that has it, one after another, stopping at the first failure. It is what
// `pnpm -r <script>` did, with npm alone, so `npm run typecheck` needs no pnpm.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const script = process.argv[2];
if (!script) {
  console.error("usage: node scripts/each-package.mjs <script>");
  process.exit(1);
}

// the folders pnpm-workspace.yaml lists (apps/*, packages/*)
const dirs = ["packages", "apps"].flatMap((parent) =>
  readdirSync(path.join(root, parent))
    .map((name) => path.join(parent, name))
    .filter((dir) => existsSync(path.join(root, dir, "package.json"))),
);
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8"));
  if (!pkg.scripts?.[script]) continue;
  const result = spawnSync("npm", ["--prefix", dir, "run", "--silent", script], {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (result.status !== 0) {
    console.error(`error: ${pkg.name}: \`${script}\` failed`);
    process.exit(result.status ?? 1);
  }
}
