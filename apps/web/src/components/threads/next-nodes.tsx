import styles from "./thread-detail.module.css";

/** The nodes a checkpoint runs next; "end" when there are none. */
export function NextNodes({ next }: { next: string[] }) {
  if (next.length === 0) return <span className="muted">none (end)</span>;
  return (
    <span className={styles.nodes}>
      {next.map((n) => (
        <code key={n} className={styles.node}>
          {n}
        </code>
      ))}
    </span>
  );
}
