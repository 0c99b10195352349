#!/usr/bin/env node
// `npm run engines:check` (part of `npm test`): fails when a package in pnpm-lock.yaml
// does not support the oldest Node the README promises (package.json `engines.node`),
// the case in which an install prints "Unsupported engine". Reading the lockfile
// instead of an install's output catches it whether or not node_modules is fresh.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const semver = createRequire(path.join(root, "package.json"))("semver");

/** Every `{ name@version: node range }` of the lockfile's packages section. */
export function lockfileEngines(lockfile) {
  const engines = new Map();
  let current;
  for (const line of lockfile.split("\n")) {
    const key = /^ {2}'?([^\s':][^']*?)'?:\s*$/.exec(line);
    if (key) current = key[1];
    if (line === "snapshots:") break;
    const engine = /^ {4}engines: \{.*?node: '?([^',}]+)'?/.exec(line);
    if (engine && current) engines.set(current, engine[1].trim());
  }
  return engines;
}

/** The packages whose node range leaves out `minimum`, as `name@version wants node <range>`. */
export function unsupported(lockfile, minimum) {
  const found = [];
  for (const [pkg, range] of lockfileEngines(lockfile)) {
    if (!semver.satisfies(minimum, range)) found.push(`${pkg} wants node ${range}`);
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const minimum = semver.minVersion(pkg.engines.node).version;
  const found = unsupported(readFileSync(path.join(root, "pnpm-lock.yaml"), "utf8"), minimum);
  if (found.length > 0) {
    console.error(
      `error: Unsupported engine: ${found.join(", ")}; the README promises Node ${minimum}: pin a version that supports it, or drop the package.`,
    );
    process.exit(1);
  }
}
