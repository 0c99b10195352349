#!/usr/bin/env node
// `node scripts/pack.mjs <folder>`: packs @lgrs/playwright into <folder> with npm alone.
// `npm pack` would keep the `workspace:*` of its dependency on @lgrs/client, which no
// outside install can resolve: the package is staged with that written as the client's
// version (what `pnpm pack` does), then packed from there.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const destination = path.resolve(process.argv[2] ?? ".");
const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));

// the workspace packages this one may depend on, by name: packages/<name without scope>
const versionOf = (name) => JSON.parse(readFileSync(path.join(dir, "..", name.replace(/^@lgrs\//, ""), "package.json"), "utf8")).version;
for (const [name, range] of Object.entries(pkg.dependencies)) {
  if (range.startsWith("workspace:")) pkg.dependencies[name] = versionOf(name);
}
delete pkg.scripts;
delete pkg.devDependencies;

execFileSync(process.execPath, [path.join(dir, "scripts", "build.mjs")], { stdio: "inherit" });
const stage = mkdtempSync(path.join(os.tmpdir(), "lgrs-playwright-pack-"));
try {
  writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  cpSync(path.join(dir, "dist"), path.join(stage, "dist"), { recursive: true });
  execFileSync("npm", ["pack", stage, "--pack-destination", destination, "--silent"], { stdio: ["ignore", "inherit", "inherit"] });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
