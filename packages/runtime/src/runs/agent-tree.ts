import { PROTOCOL_EVENT_PREFIX } from "./protocol-stream.ts";

export type AgentStatus = "started" | "running" | "completed" | "failed" | "interrupted";

/** A graph of a run and the subgraphs it started, as the protocol's `agent.getTree` answers. */
export interface AgentTreeNode {
  namespace: string[];
  status: AgentStatus;
  graphName: string;
  children: AgentTreeNode[];
}

const STATUSES = new Set<string>(["started", "running", "completed", "failed", "interrupted"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The root's status from the run's: a run that ended waiting for input is interrupted, as its last lifecycle says. */
function rootStatus(runStatus: string, waiting: boolean): AgentStatus {
  if (runStatus === "pending") return "started";
  if (runStatus === "running") return "running";
  if (runStatus === "success") return waiting ? "interrupted" : "completed";
  if (runStatus === "interrupted") return "interrupted";
  return "failed";
}

/**
 * Builds a run's agent tree from its stored protocol events: the root from the
 * run's status, each subgraph from its own lifecycle events (the last one says
 * its status), nested by namespace prefix. Events of runs started through the
 * older endpoints carry no lifecycle: their tree is the root alone.
 */
export function agentTreeOf(run: { status: string; graphName: string }, events: Iterable<{ event: string; data: unknown }>): AgentTreeNode {
  const nodes = new Map<string, AgentTreeNode>();
  let waiting = false;
  for (const { event, data } of events) {
    if (!event.startsWith(PROTOCOL_EVENT_PREFIX) || !isRecord(data) || !Array.isArray(data["namespace"])) continue;
    const namespace = (data["namespace"] as unknown[]).map(String);
    const method = event.slice(PROTOCOL_EVENT_PREFIX.length);
    if (method === "input.requested" && namespace.length === 0) waiting = true;
    if (method !== "lifecycle" || namespace.length === 0) continue;
    const body = isRecord(data["data"]) ? data["data"] : {};
    const key = namespace.join("|");
    const status = typeof body["event"] === "string" && STATUSES.has(body["event"]) ? (body["event"] as AgentStatus) : undefined;
    const known = nodes.get(key);
    // a subgraph's graph name is what its lifecycle says, else the node it runs as (`research:<task id>`)
    const graphName = typeof body["graph_name"] === "string" ? body["graph_name"] : namespace.at(-1)!.split(":")[0]!;
    nodes.set(key, { namespace, status: status ?? known?.status ?? "started", graphName: known?.graphName ?? graphName, children: [] });
  }
  const root: AgentTreeNode = { namespace: [], status: rootStatus(run.status, waiting), graphName: run.graphName, children: [] };
  // shallow first, so a parent is placed before its children
  const ordered = [...nodes.values()].sort((a, b) => a.namespace.length - b.namespace.length);
  const placed = new Map<string, AgentTreeNode>([["", root]]);
  for (const node of ordered) {
    let parent: AgentTreeNode = root;
    for (let depth = node.namespace.length - 1; depth > 0; depth--) {
      const found = placed.get(node.namespace.slice(0, depth).join("|"));
      if (found) {
        parent = found;
        break;
      }
    }
    parent.children.push(node);
    placed.set(node.namespace.join("|"), node);
  }
  return root;
}
