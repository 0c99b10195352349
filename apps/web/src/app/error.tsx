"use client";

/**
 * A page that failed while rendering: what happened, in words, and a way to try
 * again. The server has logged the error; its digest lets an operator find it.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="page">
      <div className="card status-page" role="alert">
        <p className="status-code">Error</p>
        <h1>This page could not be shown</h1>
        <p className="muted">
          {error.digest ? `The server logged the error (digest ${error.digest}).` : error.message || "Something went wrong in the browser."}
        </p>
        <p>
          <button type="button" className="btn" onClick={reset}>
            Try again
          </button>{" "}
          <a href="/runs">Go to the runs</a>
        </p>
      </div>
    </main>
  );
}
