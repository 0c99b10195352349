import { objectOf } from "./types.ts";
import styles from "./thread-detail.module.css";

/** "human", "ai", "tool", ... from a wire message (LangChain dict or OpenAI-style role). */
function roleOf(message: Record<string, unknown>): string {
  const raw = typeof message.type === "string" ? message.type : typeof message.role === "string" ? message.role : "message";
  // chunks are sent with their class name: AIMessageChunk -> ai
  const chunk = /^(AI|Human|System|Tool|Function|Chat)MessageChunk$/.exec(raw);
  if (chunk) return chunk[1] === "Chat" ? "generic" : chunk[1]!.toLowerCase();
  if (raw === "user") return "human";
  if (raw === "assistant") return "ai";
  return raw;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === "string" ? part : typeof objectOf(part).text === "string" ? (objectOf(part).text as string) : ""))
      .join("");
  }
  return content === undefined || content === null ? "" : JSON.stringify(content);
}

/** A `messages` state value as a readable conversation: one "role: text" line per message. */
export function MessagesList({ messages }: { messages: unknown[] }) {
  if (messages.length === 0) return <p className="muted">No messages yet.</p>;
  return (
    <ol className={styles.messages} aria-label="Messages">
      {messages.map((m, i) => {
        const message = objectOf(m);
        const role = roleOf(message);
        const text = textOf(message.content);
        const calls = Array.isArray(message.tool_calls) ? message.tool_calls.length : 0;
        return (
          <li key={typeof message.id === "string" ? message.id : i} className={styles.message} data-role={role}>
            <span className={styles.role}>{role}:</span>{" "}
            <span className={styles.messageText}>{text || <span className="muted">(no text)</span>}</span>
            {calls > 0 ? (
              <span className="muted">
                {" "}
                ({calls} tool call{calls === 1 ? "" : "s"})
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
