"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc.tsx";
import { ErrorState, Loading } from "@/components/states.tsx";
import { formatTokens } from "@/lib/format.ts";
import styles from "./thread-detail.module.css";
import { TokenTable } from "@/components/token-table.tsx";

/** Tokens used by every run of the thread: the total, and by model. */
export function ThreadTokens({ threadId }: { threadId: string }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.byThread.queryOptions({ threadId }));
  return (
    <section className="card" aria-labelledby="tokens-title">
      <div className="card-head">
        <h2 id="tokens-title">Tokens</h2>
      </div>
      {usage.isPending ? (
        <Loading what="token usage" />
      ) : usage.isError ? (
        <ErrorState error={usage.error} retry={() => void usage.refetch()} />
      ) : (
        <>
          <p className={styles.total}>
            <span data-testid="thread-tokens-total">{formatTokens(usage.data.total.totalTokens)}</span>
            <span className="muted"> tokens in total</span>
          </p>
          <p className="muted">
            {formatTokens(usage.data.total.inputTokens)} in · {formatTokens(usage.data.total.outputTokens)} out · {usage.data.total.calls}{" "}
            model call{usage.data.total.calls === 1 ? "" : "s"}
          </p>
          {usage.data.byModel.length > 0 ? (
            <TokenTable caption="Tokens by model" label="Model" rows={usage.data.byModel.map((m) => ({ name: m.model, ...m }))} />
          ) : (
            <p className="muted">No model calls recorded on this thread.</p>
          )}
        </>
      )}
    </section>
  );
}
