#!/usr/bin/env node
// Builds dist/ with tsc (JavaScript and declarations, one file per source), then checks
// that the declarations import nothing but their own files and the package's
// dependencies: an outside project type-checks against them with only what
// `npm install` gives it, never the server's source.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
// its own name too: the doc comments show how a user imports it
const allowed = [pkg.name, ...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
const dist = path.join(dir, "dist");

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.build.json")], { stdio: "inherit" });

const stray = [];
for (const file of readdirSync(dist).filter((name) => name.endsWith(".d.ts"))) {
  // the sources import each other as .ts; published declarations name the .js files beside them
  const text = readFileSync(path.join(dist, file), "utf8").replace(/(["'])(\.\.?\/[^"']+)\.ts\1/g, "$1$2.js$1");
  writeFileSync(path.join(dist, file), text);
  for (const [, spec] of text.matchAll(/(?:from|import\()\s*["']([^"']+)["']/g)) {
    if (spec.startsWith("./")) {
      if (!spec.endsWith(".js")) stray.push(`${file}: ${spec} (not a .js file)`);
    } else if (!allowed.some((dep) => spec === dep || spec.startsWith(`${dep}/`))) stray.push(`${file}: ${spec}`);
  }
}
if (stray.length > 0) {
  console.error(`error: the declarations import what an installed @lgrs/playwright does not have: ${stray.join(", ")}`);
  process.exit(1);
}
