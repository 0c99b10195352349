import { tryGetRuntime } from "@/server/runtime.ts";

/**
 * Graphs that failed to load or reload, on every dashboard page: an operator who
 * edited a graph sees at once that the edit did not take (and which version still
 * serves) without reading the server's log. Read on each request: a reload may
 * have happened since the last page.
 */
export function GraphsBanner() {
  const graphs = tryGetRuntime()?.graphs;
  if (!graphs) return null;
  const failed = graphs.failures();
  const configError = graphs.configError();
  if (failed.length === 0 && !configError) return null;
  return (
    <div className="error-box graphs-banner" role="alert" aria-label="Graph load errors">
      {configError ? (
        <p>
          <strong>langgraph.json could not be reloaded</strong>, the graphs before it keep serving: {configError}
        </p>
      ) : null}
      {failed.map((f) => (
        <p key={f.graphId}>
          <strong>Graph {f.graphId}</strong> failed to load from <code>{f.file}</code>: {f.error}
          {f.serving ? (
            <span className="muted">
              {" "}
              (version <code>{f.serving}</code> keeps serving)
            </span>
          ) : (
            <span className="muted"> (not served)</span>
          )}
        </p>
      ))}
    </div>
  );
}
