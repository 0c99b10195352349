import styles from "./new-run.module.css";

/** An error the API answered with: its message, each invalid field, and its code. */

interface ApiErrorShape {
  message: string;
  data?: { code?: string; issues?: { path: string; message: string }[] | null } | null;
}

export function ApiError({ title, error }: { title: string; error: unknown }) {
  const err = error as ApiErrorShape;
  const issues = err.data?.issues ?? [];
  return (
    <div className={`error-box ${styles.apiError}`} role="alert">
      <p>
        <strong>{title}</strong>
        {err.data?.code ? <span> ({err.data.code})</span> : null}
      </p>
      {issues.length > 0 ? (
        <ul>
          {issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{err.message || "unknown error"}</p>
      )}
    </div>
  );
}
