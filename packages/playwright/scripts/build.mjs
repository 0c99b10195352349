#!/usr/bin/env node
// Builds dist/ with tsc (JavaScript and declarations, one file per source), then checks
// that the declarations import nothing but their own files and the package's
// dependencies: an outside project type-checks against them with only what
// `npm install` gives it, never the server's source.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkDeclarations } from "../../../scripts/check-declarations.mjs";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
// its own name too: the doc comments show how a user imports it
const allowed = [pkg.name, ...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
const dist = path.join(dir, "dist");

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.build.json")], { stdio: "inherit" });

checkDeclarations({ name: pkg.name, dist, allowed });
