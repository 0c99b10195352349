import { formatTokens } from "@/lib/format.ts";
import type { TokenTotals } from "./usage-series.ts";
import styles from "./usage.module.css";

/** The window's totals, as a row of figures. */
export function UsageTotals({ totals }: { totals: TokenTotals }) {
  const figures = [
    { label: "Total tokens", value: totals.totalTokens },
    { label: "Input tokens", value: totals.inputTokens },
    { label: "Output tokens", value: totals.outputTokens },
    { label: "Model calls", value: totals.calls },
  ];
  return (
    <section aria-label="Usage totals">
      <dl className={styles.totals}>
        {figures.map((f) => (
          <div key={f.label} className={`card ${styles.figure}`}>
            <dt className="muted">{f.label}</dt>
            <dd>{formatTokens(f.value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
