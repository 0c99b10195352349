import { JsonBlock } from "./json-block.tsx";
import { objectOf } from "./types.ts";
import styles from "./thread-detail.module.css";

/** What an interrupt asks: its question (a string value, or `question`), its options, else its value as JSON. */
export function InterruptValue({ value }: { value: unknown }) {
  const obj = objectOf(value);
  const question = typeof value === "string" ? value : typeof obj.question === "string" ? obj.question : null;
  const options = Array.isArray(obj.options) ? obj.options.map((o) => (typeof o === "string" ? o : JSON.stringify(o))) : [];
  const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => k !== "question" && k !== "options"));
  return (
    <div className={styles.interrupt}>
      {question !== null ? (
        <p className={styles.question} aria-label="Question">
          {question}
        </p>
      ) : (
        <JsonBlock value={value} label="Interrupt value" />
      )}
      {options.length > 0 ? (
        <p className="muted">
          Options:{" "}
          {options.map((o) => (
            <code key={o} className={styles.node}>
              {o}
            </code>
          ))}
        </p>
      ) : null}
      {question !== null && Object.keys(rest).length > 0 ? <JsonBlock value={rest} label="Interrupt details" /> : null}
    </div>
  );
}
