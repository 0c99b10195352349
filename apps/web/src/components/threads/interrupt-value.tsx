import { JsonBlock } from "./json-block.tsx";
import { objectOf } from "./types.ts";
import styles from "./thread-detail.module.css";

/** What an interrupt asks: its question (a string value, or `question`), else its value as JSON; its options are the answer form's buttons. */
export function InterruptValue({ value }: { value: unknown }) {
  const obj = objectOf(value);
  const question = typeof value === "string" ? value : typeof obj.question === "string" ? obj.question : null;
  const shown = new Set(["question", "options", "allow_free_text", "free_text", "allowFreeText"]);
  const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => !shown.has(k)));
  return (
    <div className={styles.interrupt}>
      {question !== null ? (
        <p className={styles.question} aria-label="Question">
          {question}
        </p>
      ) : (
        <JsonBlock value={value} label="Interrupt value" />
      )}
      {question !== null && Object.keys(rest).length > 0 ? <JsonBlock value={rest} label="Interrupt details" /> : null}
    </div>
  );
}
