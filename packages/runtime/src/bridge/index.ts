export * from "./stream-bridge.ts";
export { MemoryStreamBridge, type MemoryBridgeOptions } from "./memory-stream-bridge.ts";
