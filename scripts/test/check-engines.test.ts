import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without type declarations
import { unsupported } from "../check-engines.mjs";

const root = path.resolve(import.meta.dirname, "../..");

// the shape pnpm writes, with the packages that once made an install warn on Node 20
const LOCKFILE = `lockfileVersion: '9.0'

packages:

  '@langchain/openai@1.6.0':
    resolution: {integrity: sha512-x}
    engines: {node: '>=22'}

  kysely@0.28.19:
    resolution: {integrity: sha512-x}
    engines: {node: '>=20.0.0'}

  '@rolldown/binding-linux-x64-gnu@1.2.19':
    resolution: {integrity: sha512-x}
    engines: {node: ^20.19.0 || >=22.12.0}
    cpu: [x64]

  openai@7.57.0:
    resolution: {integrity: sha512-x}
    engines: {node: '>=22.0.0', npm: '>=10'}

snapshots:

  kysely@0.28.19:
    engines: {node: '>=99'}
`;

describe("engines check", () => {
  it("names each locked package that does not support the oldest Node promised", () => {
    expect(unsupported(LOCKFILE, "20.19.0")).toEqual(["@langchain/openai@1.6.0 wants node >=22", "openai@7.57.0 wants node >=22.0.0"]);
    expect(unsupported(LOCKFILE, "22.12.0")).toEqual([]);
  });

  it("passes on the repository's lockfile: an install on Node 20.19 prints no Unsupported engine", () => {
    const result = spawnSync(process.execPath, ["scripts/check-engines.mjs"], { cwd: root, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
