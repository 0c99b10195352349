export { createLanggraphApp, createLanggraphHandler, LANGGRAPH_BASE_PATH } from "./app.ts";
