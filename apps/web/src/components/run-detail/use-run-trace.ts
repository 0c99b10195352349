"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/lib/trpc.tsx";
import type { RunStream } from "./use-run-stream.ts";

export type RunTrace = inferRouterOutputs<AppRouter>["runs"]["trace"];
export type TraceStep = RunTrace["steps"][number];

/** How often, at most, the trace is read again while events stream in: it is read whole from the database. */
const REFRESH_MS = 1500;

/**
 * The run's trace, read again as the stream brings events (at most every
 * REFRESH_MS, and once more when the stream ends), so a live run's timeline
 * grows while it is watched.
 */
export function useRunTrace(runId: string, stream: RunStream) {
  const trpc = useTRPC();
  const query = useQuery(trpc.runs.trace.queryOptions({ runId }));
  const { refetch } = query;
  const count = stream.log.length;
  const ended = stream.endStatus !== null;
  const lastRead = useRef(Date.now());
  useEffect(() => {
    if (count === 0) return;
    const wait = ended ? 0 : Math.max(0, lastRead.current + REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      lastRead.current = Date.now();
      void refetch();
    }, wait);
    return () => clearTimeout(timer);
  }, [count, ended, refetch]);
  return query;
}
