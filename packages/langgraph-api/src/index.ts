export { createLanggraphApp, createLanggraphHandler, LANGGRAPH_BASE_PATH } from "./app.ts";
export type { LanggraphServices } from "./env.ts";
export { admitProtocolSocket, isProtocolSocketPath, type Admission } from "./protocol-v2/ws-admission.ts";
export type { ProtocolSocket, ProtocolWsSession } from "./protocol-v2/ws-session.ts";
