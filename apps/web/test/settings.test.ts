/**
 * The reload boundary has one home, src/server/settings.ts: the README's settings
 * tables are generated from it, `--help` prints it, and the configuration parsers
 * read the environment only through it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readmeWithSettings, SETTINGS, settingsTable } from "../src/server/settings.ts";

const APP_DIR = path.resolve(import.meta.dirname, "..");
const README = readFileSync(path.resolve(APP_DIR, "../../README.md"), "utf8");

describe("settings", () => {
  it("the README's settings tables are the module's (run `npm run settings:readme` after changing a setting)", () => {
    expect(README).toContain(`<!-- settings:main -->\n${settingsTable("main")}\n<!-- /settings:main -->`);
    expect(README).toContain(`<!-- settings:fleet -->\n${settingsTable("fleet")}\n<!-- /settings:fleet -->`);
    expect(readmeWithSettings(README)).toBe(README);
    // every setting has a row, and only the module's settings have rows
    const rows = [...README.matchAll(/<!-- settings:main -->\n([\s\S]*?)\n<!-- \/settings:main -->/g)][0]![1]!;
    const named = [...rows.matchAll(/^\| `([A-Z_0-9]+)`/gm)].map((m) => m[1]);
    expect(named).toEqual(SETTINGS.map((s) => s.name));
  });

  it("the parsers read the environment only through the module: no variable read past it", () => {
    const sources = [
      "src/server/config.ts",
      "src/server/auth-config.ts",
      "src/server/observe/observe-config.ts",
      "src/server/observe/tracing.ts",
    ];
    for (const file of sources) {
      const text = readFileSync(path.join(APP_DIR, file), "utf8");
      // INIT_CWD is npm's, not a setting: where relative paths resolve
      const direct = [...text.matchAll(/env\[\s*"([A-Z_0-9]+)"\s*\]|process\.env\.([A-Z_0-9]+)/g)].map((m) => m[1] ?? m[2]);
      expect(
        direct.filter((name) => name !== "INIT_CWD"),
        file,
      ).toEqual([]);
    }
  });

  it("--help lists every setting with its default and when it is read, and starts nothing", () => {
    const help = execFileSync(process.execPath, ["--import", "tsx", "worker.ts", "--help"], { cwd: APP_DIR, encoding: "utf8" });
    expect(help).toMatch(/^usage: npm run worker/);
    for (const s of SETTINGS) expect(help).toMatch(new RegExp(`^  ${s.name} +.*\\(default: .*; read at (start-up|reload)\\)$`, "m"));
    expect(help).toMatch(/LANGGRAPH_CONFIG .*read at reload\)/);
  });
});
