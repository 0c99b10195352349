"use client";

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatTokens } from "@/lib/format.ts";
import { fullLabel, tickLabel } from "./bucket-format.ts";
import type { ChartRow, SeriesTotal } from "./usage-series.ts";
import type { Bucket } from "./usage-window.ts";
import styles from "./usage.module.css";

const COLORS = ["#2f5bea", "#12a594", "#e5484d", "#f5a524", "#8e4ec6", "#0090ff", "#ad7f58", "#5c7c2f"];

export function seriesColor(index: number): string {
  return COLORS[index % COLORS.length]!;
}

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

interface Props {
  /** "Tokens by model": the section's heading and the table's caption */
  title: string;
  /** "Model": the table's first column */
  groupName: string;
  bucket: Bucket;
  rows: ChartRow[];
  /** the series, most tokens first (the table's rows, the bars' stacking order) */
  series: SeriesTotal[];
  labelOf?: (group: string) => string;
}

/** Tokens over time as stacked bars (one colour per series), with the same numbers as a table beside it. */
export function TokensChart({ title, groupName, bucket, rows, series, labelOf = (g) => g }: Props) {
  const id = title.toLowerCase().replace(/[^a-z]+/g, "-");
  return (
    <section className={`card ${styles.chartCard}`} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className={styles.sectionTitle}>
        {title}
      </h2>
      <div className={styles.chartBody}>
        <figure className={styles.chart} aria-label={`${title}, per ${bucket}: chart (the table beside it has the numbers)`}>
          <BarChart data={rows} responsive style={{ width: "100%", height: 260 }} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} strokeDasharray="3 3" stroke="#e3e6eb" />
            <XAxis dataKey="start" tickFormatter={(v: number) => tickLabel(v, bucket)} minTickGap={18} tick={{ fontSize: 12 }} />
            <YAxis tickFormatter={(v: number) => compact.format(v)} width={44} tick={{ fontSize: 12 }} allowDecimals={false} />
            <Tooltip labelFormatter={(v) => fullLabel(Number(v), bucket)} formatter={(value) => `${formatTokens(Number(value))} tokens`} />
            <Legend wrapperStyle={{ fontSize: 13 }} itemSorter={null} />
            {series.map((s, i) => (
              <Bar
                key={s.group}
                name={labelOf(s.group)}
                dataKey={(row: ChartRow) => row.values[s.group] ?? 0}
                stackId="tokens"
                fill={seriesColor(i)}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </figure>
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{groupName}</th>
                <th scope="col">Total</th>
                <th scope="col">Input</th>
                <th scope="col">Output</th>
              </tr>
            </thead>
            <tbody>
              {series.map((s, i) => (
                <tr key={s.group}>
                  <th scope="row">
                    <span className={styles.swatch} style={{ background: seriesColor(i) }} aria-hidden="true" />
                    {labelOf(s.group)}
                  </th>
                  <td className={styles.strong}>{formatTokens(s.totalTokens)}</td>
                  <td>{formatTokens(s.inputTokens)}</td>
                  <td>{formatTokens(s.outputTokens)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
