/**
 * The import rules of the workspace (`npm run deps:check`, part of `npm test`).
 *
 * The direction is web -> api, langgraph-api (the two doors, siblings) -> auth,
 * runtime -> db. The doors only validate, check the caller, call one runtime
 * service and map the answer, so they never reach the database package; only
 * packages/db talks to Prisma; the runtime knows nothing of HTTP, tRPC or React.
 * Rules apply to shipped code (src/, server.ts); tests may set up what they need.
 */

/** Shipped code of a workspace package or app, relative to the repository root. */
const src = (dir) => `^${dir}/(src/|server\\.ts$)`;

/** A module by package name, resolved into node_modules or left unresolved. */
const npm = (names) => `(^|/node_modules/)(${names.join("|")})(/|$)`;

const PRISMA = ["@prisma/[^/]+", "prisma", "better-sqlite3", "pg"];
const HTTP = ["hono", "@hono/[^/]+", "next", "node:http", "node:https", "http", "https", "express"];
const TRPC = ["@trpc/[^/]+"];
const REACT = ["react", "react-dom", "@tanstack/[^/]+", "@langchain/langgraph-sdk"];
const AUTH_LIBS = ["better-auth", "@better-auth/[^/]+"];

/** Our packages, by where they live (workspace links resolve to these paths). */
const PKG = {
  web: "^apps/web/",
  api: "^packages/api/",
  langgraphApi: "^packages/langgraph-api/",
  auth: "^packages/auth/",
  runtime: "^packages/runtime/",
  db: "^packages/db/",
  graphs: "^packages/graphs/",
};

/** A rule that `from` may not import `to` (a path or npm pattern). */
function forbid(name, comment, from, to) {
  return { name, comment, severity: "error", from: { path: from }, to: { path: to } };
}

module.exports = {
  forbidden: [
    forbid("prisma-only-in-db", "Only packages/db talks to Prisma and the database drivers.", "^(apps|packages)/(?!db/)", npm(PRISMA)),
    forbid(
      "generated-client-only-in-db",
      "The generated Prisma client is packages/db's own; others use its exports.",
      "^(apps|packages)/(?!db/)",
      "^packages/db/src/generated/",
    ),
    {
      name: "runtime-no-http",
      comment:
        "The runtime knows no HTTP server or framework. Its webhook sender is the one HTTP client that needs node:http(s): their `lookup` hook makes it connect to the very address its SSRF check accepted.",
      severity: "error",
      from: { path: src("packages/runtime"), pathNot: "^packages/runtime/src/runs/webhook\\.ts$" },
      to: { path: npm(HTTP) },
    },
    forbid("runtime-no-trpc", "The runtime knows nothing of tRPC.", src("packages/runtime"), npm(TRPC)),
    forbid("runtime-no-react", "The runtime knows nothing of React or browser clients.", src("packages/runtime"), npm(REACT)),
    forbid("runtime-no-auth-library", "Authentication is packages/auth's.", src("packages/runtime"), npm(AUTH_LIBS)),
    forbid(
      "runtime-no-doors",
      "The runtime is below the doors and beside auth: it imports neither.",
      src("packages/runtime"),
      `${PKG.api}|${PKG.langgraphApi}|${PKG.auth}|${PKG.web}`,
    ),
    forbid(
      "db-imports-nothing-of-ours",
      "packages/db is the bottom layer.",
      src("packages/db"),
      `${PKG.runtime}|${PKG.api}|${PKG.langgraphApi}|${PKG.auth}|${PKG.web}|${PKG.graphs}`,
    ),
    forbid(
      "auth-below-the-doors",
      "packages/auth sits beside the runtime, below the doors.",
      src("packages/auth"),
      `${PKG.runtime}|${PKG.api}|${PKG.langgraphApi}|${PKG.web}`,
    ),
    forbid("shim-not-trpc-door", "The LangGraph door does not import the tRPC door.", src("packages/langgraph-api"), PKG.api),
    forbid("trpc-door-not-shim", "The tRPC door does not import the LangGraph door.", src("packages/api"), PKG.langgraphApi),
    forbid(
      "doors-not-db",
      "The doors reach the data only through runtime services (types are re-exported by the runtime).",
      `${src("packages/api")}|${src("packages/langgraph-api")}`,
      PKG.db,
    ),
    forbid("doors-not-web", "Nothing imports the web app.", "^packages/", PKG.web),
    forbid(
      "graphs-are-leaves",
      "The bundled graphs are user code: they import LangGraph, not the server.",
      src("packages/graphs"),
      `${PKG.runtime}|${PKG.api}|${PKG.langgraphApi}|${PKG.auth}|${PKG.db}|${PKG.web}`,
    ),
    forbid(
      "browser-code-only-public-shapes",
      "Pages and components run in the browser: from the server packages they import only types and the browser-safe enums.",
      "^apps/web/src/(app|components|lib)/",
      "^packages/(runtime|db|auth|langgraph-api|graphs)/(?!src/enums\\.ts$)",
    ),
    {
      name: "browser-code-api-types-only",
      comment:
        "The dashboard takes the API's types (AppRouter) from the tRPC door, never its server code; the wire transformer both ends share is the one exception.",
      severity: "error",
      from: { path: "^apps/web/src/(app|components|lib)/" },
      to: { path: PKG.api, pathNot: "^packages/api/src/transformer\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "client-package-no-server-code",
      comment:
        "@lgrs/client ships to outside apps: of the server it bundles only the tRPC door's client and the wire transformer; the rest it takes as types.",
      severity: "error",
      from: { path: "^packages/client/src/" },
      to: {
        path: "^packages/(api|runtime|db|auth|langgraph-api|graphs)/",
        pathNot: "^packages/api/src/(client|transformer)\\.ts$",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "no-circular",
      comment: "Import cycles hide the direction of a dependency.",
      severity: "error",
      from: { path: "^(apps|packages)/[^/]+/src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next[^/]*|generated|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "types", "default", "node"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types"],
    },
    combinedDependencies: false,
    preserveSymlinks: false,
  },
};
