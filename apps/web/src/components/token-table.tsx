import { formatTokens } from "@/lib/format.ts";
import styles from "./token-table.module.css";

export interface TokenRow {
  name: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

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
