export { GraphRegistry, BUNDLED_CONFIG, type GraphLoadFailure, type GraphShape } from "./graph-registry.ts";
export { loadLanggraphConfig, LanggraphConfigError, type GraphSpec, type LanggraphConfig } from "./langgraph-config.ts";
