import type { ReactNode } from "react";
import { formatTokens } from "@/lib/format.ts";
import type { TopRow } from "./usage-series.ts";
import styles from "./usage.module.css";

interface Props {
  /** "Top threads": heading and caption */
  title: string;
  /** "Thread": the first column */
  what: string;
  rows: TopRow[];
  /** what the first column shows for a row (a link, a name) */
  render: (row: TopRow) => ReactNode;
}

/** The threads or assistants that used the most tokens in the window. */
export function TopTable({ title, what, rows, render }: Props) {
  return (
    <section className={`card ${styles.topCard}`}>
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <caption className={styles.sectionTitle}>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{what}</th>
              <th scope="col">Tokens</th>
              <th scope="col">Calls</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={3} className="muted">
                  None in this window.
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={row.id}>
                  <th scope="row" className={styles.idCell}>
                    {render(row)}
                  </th>
                  <td>{formatTokens(row.totals.totalTokens)}</td>
                  <td>{formatTokens(row.totals.calls)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
