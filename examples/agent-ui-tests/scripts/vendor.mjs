#!/usr/bin/env node
// Packs @lgrs/client and @lgrs/playwright from this checkout into ./vendor, where
// package.json installs them from (they are not on a registry), with npm alone. Each is
// built as it is packed; the fixtures' pack script writes their dependency on the client
// as a version.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

const here = path.resolve(import.meta.dirname, "..");
const repo = path.resolve(here, "../..");
const vendor = path.join(here, "vendor");
mkdirSync(vendor, { recursive: true });
execFileSync("npm", ["pack", path.join(repo, "packages", "client"), "--pack-destination", vendor], { stdio: "inherit" });
execFileSync(process.execPath, [path.join(repo, "packages", "playwright", "scripts", "pack.mjs"), vendor], { stdio: "inherit" });
