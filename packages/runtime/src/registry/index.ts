export {
  GraphRegistry,
  BUNDLED_CONFIG,
  type CompileOptions,
  type GraphDescription,
  type GraphLoadFailure,
  type GraphReloadResult,
  type GraphVersion,
  type GraphShape,
} from "./graph-registry.ts";
export type { CompiledGraph, GraphConfig } from "./graph-exports.ts";
export type { GraphSchemas } from "./graph-schemas.ts";
export { loadLanggraphConfig, LanggraphConfigError, type GraphSpec, type LanggraphConfig } from "./langgraph-config.ts";
export { GraphWatcher, WATCH_DEBOUNCE_MS } from "./graph-watcher.ts";
