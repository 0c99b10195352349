import { Graph, layout } from "@dagrejs/dagre";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";

/** An assistant's graph as `assistants.get` answers it (null when its graph is not loaded here). */
export type GraphShape = NonNullable<inferRouterOutputs<AppRouter>["assistants"]["get"]["graph"]>;

export interface PlacedNode {
  id: string;
  label: string;
  /** `__start__` and `__end__`: drawn as small round markers, not as work */
  terminal: boolean;
  /** a node that is a whole graph of its own, drawn collapsed */
  subgraph: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  label: string | null;
  conditional: boolean;
}

const NODE_HEIGHT = 40;
const TERMINAL_SIZE = 72;

function isSubgraph(node: GraphShape["nodes"][number]): boolean {
  // LangGraph marks a node whose runnable is a compiled graph as such in its data
  const data = node.data as { id?: unknown } | undefined;
  return Array.isArray(data?.id) && data.id.some((part) => part === "CompiledStateGraph" || part === "Pregel");
}

/**
 * Places the graph's nodes top to bottom with dagre. Subgraph nodes stay one box
 * (the graph is drawn without xray), and node widths follow their names so a long
 * name does not overflow its box.
 */
export function placeGraph(shape: GraphShape): { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number } {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 44, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const nodes = shape.nodes.map((node) => {
    const id = String(node.id);
    // the id is the node's name as the run's events give it (a subgraph's `data.name` is only "LangGraph")
    const label = id;
    const terminal = id === "__start__" || id === "__end__";
    const width = terminal ? TERMINAL_SIZE : Math.max(96, label.length * 8 + 32);
    g.setNode(id, { width, height: NODE_HEIGHT });
    return {
      id,
      label: terminal ? (id === "__start__" ? "start" : "end") : label,
      terminal,
      subgraph: isSubgraph(node),
      width,
      height: NODE_HEIGHT,
    };
  });
  const edges = shape.edges.map((edge, i) => {
    const source = String(edge.source);
    const target = String(edge.target);
    const id = `${source}->${target}#${i}`;
    g.setEdge(source, target, {}, id);
    return {
      id,
      source,
      target,
      label: typeof edge.data === "string" && edge.data ? edge.data : null,
      conditional: edge.conditional === true,
    };
  });
  layout(g);
  const placed = nodes.map((n) => {
    const { x, y } = g.node(n.id) as { x: number; y: number };
    // dagre gives centres, React Flow wants top-left corners
    return { ...n, x: x - n.width / 2, y: y - n.height / 2 };
  });
  const { width = 0, height = 0 } = g.graph() as { width?: number; height?: number };
  return { nodes: placed, edges, width, height };
}
