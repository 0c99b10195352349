import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

export type GraphModuleLoader = (file: string) => Promise<Record<string, unknown>>;

/**
 * Imports graph files at run time through tsx: TypeScript or JavaScript, each file
 * resolving its imports from its own folder, so a user's graphs folder with its own
 * node_modules (and its own @langchain/langgraph) works.
 *
 * tsx loads a namespace's files and everything they import as modules of their
 * own. `tsImport` opens a namespace per call, which would evaluate LangGraph and
 * LangChain again for every graph file (seconds at start-up, and memory); one
 * namespace per loader shares them between the files of one langgraph.json. The
 * namespace stays registered so a graph's own later dynamic imports still work.
 */
export function createGraphModuleLoader(): GraphModuleLoader {
  const tsx = register({ namespace: `lgrs-graphs-${randomUUID()}` });
  return async (file) => (await tsx.import(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
}
