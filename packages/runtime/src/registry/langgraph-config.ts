import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** One graph of a langgraph.json: `"id": "./path/file.ts:exportName"` (no export name: the default export). */
export interface GraphSpec {
  graphId: string;
  file: string;
  exportName: string;
}

export interface LanggraphConfig {
  path: string;
  specs: GraphSpec[];
}

export class LanggraphConfigError extends Error {
  override name = "LanggraphConfigError";
}

/** Reads a langgraph.json in the LangGraph CLI format; graph paths are relative to its folder. */
export function loadLanggraphConfig(configPath: string): LanggraphConfig {
  const file = path.resolve(configPath);
  if (!existsSync(file)) throw new LanggraphConfigError(`LANGGRAPH_CONFIG ${file} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new LanggraphConfigError(`LANGGRAPH_CONFIG ${file} is not valid JSON (${err instanceof Error ? err.message : err})`);
  }
  const graphs = (parsed as { graphs?: unknown } | null)?.graphs;
  if (!graphs || typeof graphs !== "object" || Array.isArray(graphs)) {
    throw new LanggraphConfigError(`LANGGRAPH_CONFIG ${file} has no "graphs" object, e.g. {"graphs": {"agent": "./src/agent.ts:graph"}}`);
  }
  const dir = path.dirname(file);
  const specs = Object.entries(graphs).map(([graphId, spec]) => {
    if (typeof spec !== "string" || spec.trim() === "") {
      throw new LanggraphConfigError(`graph "${graphId}" in ${file} must be a string like "./src/agent.ts:graph"`);
    }
    // a Windows drive letter is not an export separator
    const separator = spec.lastIndexOf(":");
    const hasExport = separator > 1;
    const relative = hasExport ? spec.slice(0, separator) : spec;
    const exportName = hasExport ? spec.slice(separator + 1) : "default";
    if (!exportName) throw new LanggraphConfigError(`graph "${graphId}" in ${file} names no export after ":"`);
    return { graphId, file: path.resolve(dir, relative), exportName };
  });
  return { path: file, specs };
}
