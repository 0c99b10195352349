import type { Caller } from "@lgrs/auth";
import { classifyError, type Runtime } from "@lgrs/runtime";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import { assistantTools, toolDescription, toolInputSchema } from "./assistant-tools.ts";

const SERVER_INFO = { name: "langgraph-run-server", version: "0.1.0" };

/** A tool's answer for a failure the caller can act on (MCP reports those in the result, not as protocol errors). */
function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

/**
 * An MCP server for one request of one caller: every assistant the caller may run is
 * a tool, and calling it is an ordinary stateless run through the run service (the
 * same rules, history and cancellation as any run), waited for; the tool answers the
 * run's final state as JSON text. Built per request: the endpoint is stateless, as
 * LangGraph Platform's is, so any instance of a fleet answers any request.
 */
export function createMcpServer(runtime: Runtime, caller: Caller): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } } });

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = await assistantTools(runtime, caller);
    return {
      tools: await Promise.all(
        tools.map(async ({ name, assistant }) => ({
          name,
          title: assistant.name,
          description: toolDescription(assistant),
          inputSchema: (await toolInputSchema(runtime, caller, assistant)) as { type: "object" },
          _meta: { assistant_id: assistant.id, graph_id: assistant.graphId },
        })),
      ),
    };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = (await assistantTools(runtime, caller)).find(
      (t) => t.name === request.params.name || t.assistant.id === request.params.name,
    );
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `tool ${JSON.stringify(request.params.name)} not found`);
    try {
      const outcome = await runtime.runs.createAndWait(
        caller,
        {
          threadId: null,
          assistantId: tool.assistant.id,
          input: request.params.arguments ?? {},
          metadata: { source: "mcp", mcp_tool: tool.name },
          // its thread stays, so the run stays in the run history (dashboard, tRPC, REST) like any other
          onCompletion: "keep",
          // the client gave up on the call: the run it started is cancelled, not left running for nobody
          onDisconnect: "cancel",
        },
        { signal: extra.signal },
      );
      const _meta = { run_id: outcome.run.id, thread_id: outcome.run.threadId, assistant_id: tool.assistant.id };
      if (outcome.error) return { ...toolError(`the run failed: ${outcome.error.type}: ${outcome.error.message}`), _meta };
      return { content: [{ type: "text", text: JSON.stringify(outcome.values ?? null) }], _meta };
    } catch (err) {
      const known = classifyError(err);
      if (known) return toolError(known.field ? `${known.field}: ${known.message}` : known.message);
      throw err;
    }
  });
  return server;
}
