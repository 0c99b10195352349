#!/usr/bin/env node
// Builds dist/: index.js (createClient and the code it runs, @lgrs/api's client and
// transformer, bundled; the package's dependencies stay imports) and the declarations
// (tsc, tsconfig.build.json). Then it checks that the declarations import nothing but
// their own files and the package's dependencies: an outside app type-checks against
// them with only what `npm install` gives it, never the server's source.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { checkDeclarations } from "../../../scripts/check-declarations.mjs";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
const dependencies = Object.keys(pkg.dependencies);
const dist = path.join(dir, "dist");

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [path.join(dir, "src", "index.ts")],
  outfile: path.join(dist, "index.js"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: dependencies,
  logLevel: "warning",
});

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.build.json")], { stdio: "inherit" });

checkDeclarations({ name: pkg.name, dist, allowed: dependencies });
