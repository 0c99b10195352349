import type { AgentCard } from "@a2a-js/sdk";
import type { Assistant } from "@lgrs/runtime";

/** The A2A protocol version this endpoint speaks (JSON-RPC methods `message/send`, `tasks/get`...), as LangGraph Platform's. */
export const A2A_PROTOCOL_VERSION = "0.3.0";

/**
 * An assistant's agent card: who it is, where it is reached (`<door>/a2a/{assistant_id}`,
 * JSON-RPC), what it takes and gives (text, or JSON data merged into its state), and
 * how to authenticate (the door's API key header).
 */
export function agentCard(assistant: Assistant, doorUrl: string): AgentCard {
  const description = assistant.description?.trim() || `The assistant "${assistant.name}" of graph "${assistant.graphId}".`;
  return {
    protocolVersion: A2A_PROTOCOL_VERSION,
    name: assistant.name,
    description,
    url: `${doorUrl}/a2a/${assistant.id}`,
    preferredTransport: "JSONRPC",
    version: String(assistant.version),
    capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: false },
    defaultInputModes: ["text/plain", "application/json"],
    defaultOutputModes: ["text/plain", "application/json"],
    skills: [
      {
        id: `${assistant.graphId}-main`,
        name: assistant.name,
        description,
        tags: ["assistant", assistant.graphId],
        examples: [],
      },
    ],
    securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
    security: [{ apiKey: [] }],
  };
}
