"use client";

import { useQuery } from "@tanstack/react-query";
import type { UsageCaller } from "@lgrs/runtime/enums";
import { ErrorState, Loading } from "@/components/states.tsx";
import { formatTokens } from "@/lib/format.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { TokenTable } from "@/components/token-table.tsx";
import styles from "./run-detail.module.css";

const CALLER_LABEL: Record<UsageCaller, string> = { lead_agent: "lead agent", subagent: "subagent", middleware: "middleware" };

/** The run's tokens by model and by caller; refreshed by the page when the stream ends. */
export function UsagePanel({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.byRun.queryOptions({ runId }));
  return (
    <section className={`card ${styles.card}`} aria-labelledby="usage-heading">
      <div className="card-head">
        <h2 id="usage-heading">Token usage</h2>
        {usage.data ? <span className="muted">{formatTokens(usage.data.total.totalTokens)} total</span> : null}
      </div>
      {usage.isPending ? (
        <Loading what="token usage" />
      ) : usage.isError ? (
        <ErrorState error={usage.error} retry={() => void usage.refetch()} />
      ) : usage.data.byModel.length === 0 ? (
        <p className="muted">No model calls recorded for this run (yet: usage is counted as each call finishes).</p>
      ) : (
        <div className={styles.tables}>
          <TokenTable caption="By model" label="Model" rows={usage.data.byModel.map((m) => ({ ...m, name: m.model }))} />
          <TokenTable caption="By caller" label="Caller" rows={usage.data.byCaller.map((c) => ({ ...c, name: CALLER_LABEL[c.caller] }))} />
        </div>
      )}
    </section>
  );
}
