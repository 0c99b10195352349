/**
 * `npm run settings:readme`: writes the README's settings tables from
 * src/server/settings.ts (the one list of settings); `--check` only says whether
 * they differ (exit code 1).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readmeWithSettings } from "../src/server/settings.ts";

const README = path.resolve(import.meta.dirname, "../../../README.md");
const before = readFileSync(README, "utf8");
const after = readmeWithSettings(before);
if (process.argv.includes("--check")) {
  if (after !== before) {
    process.stderr.write("README.md settings tables differ from apps/web/src/server/settings.ts: run `npm run settings:readme`\n");
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(README, after);
  process.stdout.write("README.md: settings tables written\n");
}
