import { randomUUID } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

export interface GraphModuleLoader {
  (file: string): Promise<Record<string, unknown>>;
  /** the user's own files (not node_modules) imported through this loader so far: what a reload watches and hashes */
  localFiles(): string[];
  /**
   * Resolves once the notices of the imports made so far have arrived. On Node 20 tsx's
   * hooks run on a thread of their own and tell each import as a message, which can
   * arrive after the import itself has finished: read too early, a helper was missing
   * from localFiles and an unchanged graph looked edited (a different hash).
   */
  settled(): Promise<void>;
}

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
 *
 * That is also what makes a reload see edits: Node caches modules by URL, and a
 * new loader's namespace gives every file, the helpers a graph imports included,
 * a URL never imported before. The price is that each reload evaluates the graphs'
 * dependencies again and the old modules stay in memory (Node never unloads a module):
 * fine for edits in development, not for reloading in a loop.
 */
export function createGraphModuleLoader(): GraphModuleLoader {
  const local = new Set<string>();
  const tsx = register({
    namespace: `lgrs-graphs-${randomUUID()}`,
    onImport: (url) => {
      if (!url.startsWith("file:") || url.includes("/node_modules/")) return;
      local.add(fileURLToPath(url.split("?")[0] ?? url));
    },
  });
  const load = async (file: string) => (await tsx.import(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  return Object.assign(load, {
    localFiles: () => [...local].sort(),
    // the hooks thread posted each notice before its import could finish: the next poll
    // phase of the event loop (between this timer and the immediate after it) delivers them
    settled: () => new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 0)),
  });
}
