// Prisma CLI configuration for the sqlite schema and its migrations. Kept free of imports
// so it loads from this folder wherever the CLI is installed; the runtime never reads it.
export default {
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:../../data/langgraph.db" },
};
