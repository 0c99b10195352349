export { createLanggraphApp, createLanggraphHandler, LANGGRAPH_BASE_PATH } from "./app.ts";
export type { LanggraphServices } from "./env.ts";
