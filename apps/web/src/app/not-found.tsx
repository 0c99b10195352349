import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not found · LangGraph Run Server" };

/** Any page path nobody serves (API paths answer JSON 404s of their own). */
export default function NotFound() {
  return (
    <main className="page">
      <div className="card status-page">
        <p className="status-code">404</p>
        <h1>This page does not exist</h1>
        <p className="muted">The link may be mistyped, or what it pointed to was deleted.</p>
        <p>
          <Link href="/runs">Go to the runs</Link> · <Link href="/threads">threads</Link> · <Link href="/assistants">assistants</Link>
        </p>
      </div>
    </main>
  );
}
