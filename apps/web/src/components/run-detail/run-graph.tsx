"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { GraphView } from "@/components/graph-view/graph-view.tsx";
import { useTRPC } from "@/lib/trpc.tsx";
import styles from "./run-detail.module.css";
import type { RunStream } from "./use-run-stream.ts";

/** The run's assistant graph with the nodes the run went through highlighted, following the stream live. */
export function RunGraph({ assistantId, stream, live }: { assistantId: string; stream: RunStream; live: boolean }) {
  const trpc = useTRPC();
  // the header asks for the same assistant: one request serves both
  const assistant = useQuery(trpc.assistants.get.queryOptions({ assistantId }));
  const visited = useMemo(() => new Set(stream.visited), [stream.visited]);
  const graph = assistant.data?.graph;
  if (!graph) return null;
  return (
    <section className={`card ${styles.card}`} aria-labelledby="graph-heading">
      <div className="card-head">
        <h2 id="graph-heading">Graph</h2>
      </div>
      <GraphView graph={graph} visited={visited} current={live ? stream.current : null} finished={stream.endStatus === "success"} />
      <p className="muted" aria-label="Run path">
        {stream.visited.length
          ? `Went through: ${stream.visited.join(" → ")}`
          : stream.endStatus !== null
            ? "This run's events do not name its nodes (it was streamed without updates or debug)."
            : "No node has run yet."}
      </p>
    </section>
  );
}
