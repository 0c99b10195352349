"use client";

import { Background, type Edge, type FitViewOptions, MarkerType, type Node, ReactFlow, useReactFlow, useStore } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useEffect, useMemo } from "react";
import { type GraphShape, placeGraph } from "./graph-layout.ts";
import styles from "./graph-view.module.css";

export interface GraphViewProps {
  graph: GraphShape;
  /** nodes a run went through: drawn highlighted, with the edges between them */
  visited?: ReadonlySet<string>;
  /** the node running now, while the run is live */
  current?: string | null;
  /** the run finished its graph: the end is reached too */
  finished?: boolean;
}

const FIT: FitViewOptions = { padding: 0.15, maxZoom: 1.2 };

/** Fits the drawing again when its box changes width (a phone turned, a column that wraps): the first fit alone would leave it off to one side. */
function FitOnResize() {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  useEffect(() => {
    if (width > 0) void fitView(FIT);
  }, [width, fitView]);
  return null;
}

/** What a node is, for its colour and for a screen reader: visited, running now, or neither. */
function stateOf(id: string, visited: ReadonlySet<string> | undefined, current: string | null | undefined): "current" | "visited" | "idle" {
  if (current === id) return "current";
  return visited?.has(id) ? "visited" : "idle";
}

/**
 * An agent's graph drawn with React Flow, laid out top to bottom by dagre. It is
 * a picture, not an editor: nodes cannot be dragged or connected, but the view
 * pans and zooms. A subgraph is one node (dashed); a run's path is highlighted.
 */
export const GraphView = memo(function GraphView({ graph, visited, current, finished = false }: GraphViewProps) {
  const placed = useMemo(() => placeGraph(graph), [graph]);
  // a run always passes through start; it reached end once its last node is done
  const reached = useMemo(() => {
    if (!visited || visited.size === 0) return visited;
    const all = new Set(visited);
    all.add("__start__");
    if (finished) all.add("__end__");
    return all;
  }, [visited, finished]);

  // new arrays make React Flow redo every node: made again only when the drawing changes, not on each streamed event
  const nodes: Node[] = useMemo(
    () =>
      placed.nodes.map((n) => {
        const state = stateOf(n.id, reached, current);
        return {
          id: n.id,
          position: { x: n.x, y: n.y },
          data: { label: n.label },
          type: n.terminal && n.id === "__start__" ? "input" : n.terminal ? "output" : "default",
          width: n.width,
          height: n.height,
          className: [styles.node, n.terminal ? styles.terminal : "", n.subgraph ? styles.subgraph : "", styles[state] ?? ""].join(" "),
          ariaLabel: `${n.label}${n.subgraph ? " (subgraph)" : ""}${state === "idle" ? "" : state === "current" ? ", running now" : ", visited"}`,
          draggable: false,
          connectable: false,
          selectable: false,
        };
      }),
    [placed, reached, current],
  );
  const edges: Edge[] = useMemo(
    () =>
      placed.edges.map((e) => {
        const taken = !!reached?.has(e.source) && !!reached?.has(e.target);
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          label: e.label ?? undefined,
          className: taken ? styles.taken : undefined,
          style: e.conditional ? { strokeDasharray: "5 4" } : undefined,
          // the marker scales with the stroke: a taken edge's (2 px) gets half the size
          markerEnd: taken
            ? { type: MarkerType.ArrowClosed, width: 9, height: 9, color: "#2f5bea" }
            : { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          animated: taken && e.target === current,
        };
      }),
    [placed, reached, current],
  );

  return (
    <div className={styles.canvas} style={{ height: Math.min(Math.max(placed.height + 40, 200), 520) }}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        fitViewOptions={FIT}
        colorMode="system"
        minZoom={0.3}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        // the page scrolls under a mouse wheel; zoom with a pinch, ctrl+wheel or a double click
        zoomOnScroll={false}
        preventScrolling={false}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} size={1} />
        <FitOnResize />
      </ReactFlow>
    </div>
  );
});
