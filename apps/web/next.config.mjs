// Plain JavaScript, not next.config.ts: Next.js transpiles a TypeScript config with
// SWC on every start, which loads SWC's native binding (about 30 MB resident, and
// its thread pool) into the production server for the life of the process.

/** @type {import("next").NextConfig} */
const nextConfig = {
  // @lgrs/db (and the workspace packages to come) ship TypeScript source, not a build.
  transpilePackages: ["@lgrs/db", "@lgrs/runtime", "@lgrs/graphs", "@lgrs/auth", "@lgrs/api", "@lgrs/langgraph-api"],
  // Native addons and driver packages are loaded by Node at run time, never bundled.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/client", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg"],
  // a separate build folder per checkout task (NEXT_DIST_DIR); .next by default
  distDir: process.env["NEXT_DIST_DIR"] ?? ".next",
  // `npm run typecheck` checks every package (this one included) before `npm run build`
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
