import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // @lgrs/db (and the workspace packages to come) ship TypeScript source, not a build.
  transpilePackages: ["@lgrs/db", "@lgrs/runtime", "@lgrs/graphs", "@lgrs/api", "@lgrs/langgraph-api"],
  // Native addons and driver packages are loaded by Node at run time, never bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "pg",
    "@prisma/client",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
