"use client";

import Link from "next/link";
import { type ReactNode, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { FINAL_STATUSES } from "@lgrs/runtime/enums";
import { useTRPC } from "@/lib/trpc.tsx";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { callerLabel } from "./bucket-format.ts";
import { TokensChart } from "./tokens-chart.tsx";
import { TopTable } from "./top-table.tsx";
import { UsageTotals } from "./usage-totals.tsx";
import { chartRows, seriesTotals, windowTotals } from "./usage-series.ts";
import { bucketStarts, windowById, windowStart, WINDOWS, type UsageWindow } from "./usage-window.ts";
import styles from "./usage.module.css";

const FINAL = new Set<string>(FINAL_STATUSES);

interface Range {
  window: UsageWindow;
  from: Date;
}

function rangeOf(id: string | undefined): Range {
  const window = windowById(id);
  return { window, from: windowStart(window, Date.now()) };
}

/** The usage page: a window to choose, its totals, tokens over time by model and by caller, and the top threads and assistants. */
export function UsageView({ initialWindow, seesAll }: { initialWindow?: string; seesAll: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [range, setRange] = useState(() => rangeOf(initialWindow));
  const { window: win, from } = range;

  const byModel = useQuery(trpc.usage.summary.queryOptions({ from, bucket: win.bucket, groupBy: "model" }));
  const byCaller = useQuery(trpc.usage.summary.queryOptions({ from, bucket: win.bucket, groupBy: "caller" }));
  const topThreads = useQuery(trpc.usage.top.queryOptions({ by: "thread", from, limit: 10 }));
  const topAssistants = useQuery(trpc.usage.top.queryOptions({ by: "assistant", from, limit: 10 }));
  const assistants = useQuery(trpc.assistants.list.queryOptions({ limit: 200 }));

  // a run that finishes has recorded its tokens: read the window again (pushed, not polled)
  useSubscription(
    trpc.runs.watch.subscriptionOptions(undefined, {
      onData: (change) => {
        if (change.type === "status" && FINAL.has(change.run.status)) void queryClient.invalidateQueries(trpc.usage.pathFilter());
      },
    }),
  );

  function choose(id: string) {
    const next = rangeOf(id);
    setRange(next);
    // shareable, without a server round trip
    window.history.replaceState(null, "", `?window=${next.window.id}`);
  }

  const queries = [byModel, byCaller, topThreads, topAssistants];
  const failed = queries.find((q) => q.error);

  let body: ReactNode;
  if (failed) {
    body = <ErrorState error={failed.error} retry={() => queries.forEach((q) => void q.refetch())} />;
  } else if (!byModel.data || !byCaller.data) {
    body = <Loading what="usage" />;
  } else if (byModel.data.length === 0) {
    body = (
      <EmptyState title={`No token usage ${win.phrase}`}>
        Runs whose model calls report tokens show up here. <Link href="/runs/new">Start a run</Link>, or choose a longer window.
      </EmptyState>
    );
  } else {
    const until = Math.max(byModel.dataUpdatedAt, ...byModel.data.map((b) => b.start.getTime()));
    const axis = bucketStarts(from, until, win.bucket);
    const models = seriesTotals(byModel.data);
    const callers = seriesTotals(byCaller.data);
    const names = new Map((assistants.data?.items ?? []).map((a) => [a.id, a]));
    body = (
      <>
        <UsageTotals totals={windowTotals(byModel.data)} />
        <div className={styles.charts}>
          <TokensChart
            title="Tokens by model"
            groupName="Model"
            bucket={win.bucket}
            series={models}
            rows={chartRows(
              byModel.data,
              axis,
              models.map((s) => s.group),
            )}
          />
          <TokensChart
            title="Tokens by caller"
            groupName="Caller"
            bucket={win.bucket}
            series={callers}
            rows={chartRows(
              byCaller.data,
              axis,
              callers.map((s) => s.group),
            )}
            labelOf={callerLabel}
          />
        </div>
        <div className={styles.tops}>
          <TopTable
            title="Top threads"
            what="Thread"
            rows={topThreads.data ?? []}
            render={(row) => (
              <Link href={`/threads/${row.id}`} className={styles.mono}>
                {row.id}
              </Link>
            )}
          />
          <TopTable
            title="Top assistants"
            what="Assistant"
            rows={topAssistants.data ?? []}
            render={(row) => {
              const a = names.get(row.id);
              return (
                <span title={row.id}>
                  {a ? a.name : <span className={styles.mono}>{row.id}</span>}
                  {a && a.name !== a.graphId ? <span className="muted"> ({a.graphId})</span> : null}
                </span>
              );
            }}
          />
        </div>
      </>
    );
  }

  return (
    <>
      <header className={styles.head}>
        <div>
          <h1>Usage</h1>
          <p className="muted">
            Tokens of {seesAll ? "every operator's" : "your"} runs&apos; model calls, from <LocalTime value={from} /> to now.
            {win.bucket === "day" ? " Days are UTC days." : null}
          </p>
        </div>
        <label className={styles.windowPicker}>
          <span>Window</span>
          <select value={win.id} onChange={(e) => choose(e.target.value)}>
            {WINDOWS.map((w) => (
              <option key={w.id} value={w.id}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      {body}
    </>
  );
}
