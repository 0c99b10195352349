import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const depcruise = path.join(root, "node_modules/.bin/depcruise");

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs the workspace's import rules over `dirs` of `cwd`; the violations found. */
function check(cwd: string, dirs: string[]): Violation[] {
  const args = [...dirs, "--config", path.join(root, ".dependency-cruiser.cjs"), "--output-type", "json"];
  let out: string;
  try {
    out = execFileSync(depcruise, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    // exits non-zero when it finds violations; the report is still on stdout
    out = (err as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

/** A small workspace whose files break the rules on purpose. */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "import-rules-"));
  copyFileSync(path.join(root, "tsconfig.base.json"), path.join(dir, "tsconfig.base.json"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  made.push(dir);
  return dir;
}
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

// `npm run deps:check` (part of `npm test`) holds the workspace itself to these rules.
describe("import rules", () => {
  it("fail on each kind of violation", () => {
    const dir = fixture({
      "packages/db/src/index.ts": "export const db = 1;\n",
      "packages/api/src/index.ts": 'import { db } from "../../db/src/index.ts";\nexport const api = db;\n',
      "packages/runtime/src/http.ts": 'import { Hono } from "hono";\nexport const app = new Hono();\n',
      "packages/runtime/src/door.ts": 'import { api } from "../../api/src/index.ts";\nexport const x = api;\n',
      "packages/runtime/src/store.ts": 'import { PrismaClient } from "@prisma/client";\nexport const c = PrismaClient;\n',
      "packages/langgraph-api/src/app.ts": 'import { api } from "../../api/src/index.ts";\nexport const y = api;\n',
      "packages/db/src/up.ts": 'import { app } from "../../runtime/src/http.ts";\nexport const z = app;\n',
    });
    const found = check(dir, ["packages"]).map((v) => `${v.rule.name}: ${v.from}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "doors-not-db: packages/api/src/index.ts",
        "runtime-no-http: packages/runtime/src/http.ts",
        "runtime-no-doors: packages/runtime/src/door.ts",
        "prisma-only-in-db: packages/runtime/src/store.ts",
        "shim-not-trpc-door: packages/langgraph-api/src/app.ts",
        "db-imports-nothing-of-ours: packages/db/src/up.ts",
      ]),
    );
  }, 60_000);
});
