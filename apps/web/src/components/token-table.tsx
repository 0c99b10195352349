import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";
import { formatTokens } from "@/lib/format.ts";
import styles from "./token-table.module.css";

/** A model's or caller's token totals, as `usage.byRun` and `usage.byThread` count them, under a display name. */
export type TokenRow = { name: string } & inferRouterOutputs<AppRouter>["usage"]["byRun"]["total"];

/** Token totals per model or per caller: the run page's and the thread page's usage tables. */
export function TokenTable({ caption, label, rows }: { caption: string; label: string; rows: TokenRow[] }) {
  return (
    <table className={styles.table}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{label}</th>
          <th scope="col">Calls</th>
          <th scope="col">Input</th>
          <th scope="col">Output</th>
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <th scope="row">{r.name}</th>
            <td>{r.calls}</td>
            <td>{formatTokens(r.inputTokens)}</td>
            <td>{formatTokens(r.outputTokens)}</td>
            <td>{formatTokens(r.totalTokens)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
