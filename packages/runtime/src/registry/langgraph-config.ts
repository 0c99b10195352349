import { existsSync, readFileSync, statSync } from "node:fs";
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
  if (!existsSync(file)) {
    throw new LanggraphConfigError(
      `LANGGRAPH_CONFIG points to ${file}, which does not exist: set it to the path of your langgraph.json, or unset it to use the bundled graphs.`,
    );
  }
  if (statSync(file).isDirectory()) {
    throw new LanggraphConfigError(`LANGGRAPH_CONFIG points to the folder ${file}: set it to the langgraph.json file itself.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " ");
    throw new LanggraphConfigError(
      `LANGGRAPH_CONFIG ${file} is not valid JSON (${reason}): expected {"graphs": {"agent": "./src/agent.ts:graph"}}.`,
    );
  }
  const graphs = (parsed as { graphs?: unknown } | null)?.graphs;
  if (!graphs || typeof graphs !== "object" || Array.isArray(graphs)) {
    throw new LanggraphConfigError(
      `LANGGRAPH_CONFIG ${file} has no "graphs" object: expected {"graphs": {"agent": "./src/agent.ts:graph"}}.`,
    );
  }
  const dir = path.dirname(file);
  const specs = Object.entries(graphs).map(([graphId, entry]) => {
    // the CLI format also allows { "path": "./file.ts:export", ...options }
    const spec = entry && typeof entry === "object" ? (entry as { path?: unknown }).path : entry;
    if (typeof spec !== "string" || spec.trim() === "") {
      throw new LanggraphConfigError(`LANGGRAPH_CONFIG ${file}: graph "${graphId}" must be a string like "./src/agent.ts:graph".`);
    }
    // a Windows drive letter is not an export separator
    const separator = spec.lastIndexOf(":");
    const hasExport = separator > 1;
    const relative = hasExport ? spec.slice(0, separator) : spec;
    const exportName = hasExport ? spec.slice(separator + 1) : "default";
    if (!exportName) {
      throw new LanggraphConfigError(`LANGGRAPH_CONFIG ${file}: graph "${graphId}" ("${spec}") names no export after ":".`);
    }
    return { graphId, file: path.resolve(dir, relative), exportName };
  });
  return { path: file, specs };
}
