// Reads the data model out of the source-of-truth schema file, to compare a
// migrated database against it: tables, columns, nullability and indexes.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Provider } from "../src/config.ts";
import { PRISMA_DIR } from "../src/migrate.ts";

export interface ModelShape {
  table: string;
  columns: Map<string, { nullable: boolean }>;
  /** column lists of every index (primary key excluded), as "a,b" */
  indexes: Set<string>;
}

/** The model as `provider` has it: PostgreSQL-only index kinds (GIN) are not made on SQLite. */
export function readSchemaModel(provider: Provider): ModelShape[] {
  const text = readFileSync(path.join(PRISMA_DIR, "postgresql", "schema.prisma"), "utf8");
  const blocks = [...text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(blocks.map((b) => b[1]!));
  return blocks.map(([, name, body]) => {
    const columns = new Map<string, { nullable: boolean }>();
    const indexes = new Set<string>();
    let table = name!;
    for (const raw of body!.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      const map = line.match(/^@@map\("(\w+)"\)/);
      if (map) table = map[1]!;
      const idx = line.match(/^@@(index|unique)\(\[((?:[^\]()]|\([^)]*\))+)\](.*)/);
      // a column's operator class (`metadata(ops: JsonbPathOps)`) is not part of its name
      if (idx && !(provider === "sqlite" && /type:\s*Gin/.test(idx[3]!))) indexes.add(idx[2]!.replace(/\([^)]*\)/g, "").replace(/\s/g, ""));
      const field = line.match(/^(\w+)\s+(\w+)(\[\])?(\?)?/);
      if (!field || line.startsWith("@@")) continue;
      const [, fieldName, type, list, optional] = field;
      if (modelNames.has(type!) || list) continue; // relation fields have no column
      columns.set(fieldName!, { nullable: Boolean(optional) });
      if (/@unique\b/.test(line)) indexes.add(fieldName!);
    }
    return { table, columns, indexes };
  });
}
