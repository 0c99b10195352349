// The last step of a published package's build (packages/client, packages/playwright):
// its emitted declarations name their own files as .js, and import nothing but those
// files and the package's dependencies: an outside project type-checks against them
// with only what `npm install` gives it, never the server's source.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Rewrites the `.ts` imports of the declarations in `dist` to `.js`, then exits the
 * build (code 1, one error line) if any of them imports something other than its own
 * `.js` files or a package in `allowed` (or a subpath of one).
 * @param {{ name: string, dist: string, allowed: string[] }} pkg
 */
export function checkDeclarations({ name, dist, allowed }) {
  const stray = [];
  for (const file of readdirSync(dist).filter((entry) => entry.endsWith(".d.ts"))) {
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
    console.error(`error: the declarations import what an installed ${name} does not have: ${stray.join(", ")}`);
    process.exit(1);
  }
}
