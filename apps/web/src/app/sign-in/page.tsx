import { redirect } from "next/navigation";
import { currentViewer } from "@/lib/session.ts";
import { SignInForm } from "./sign-in-form.tsx";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // only a path of this site: never an open redirect
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/runs";
  if (await currentViewer()) redirect(target);
  return (
    <main className="page narrow">
      <header className="hero">
        <h1>Sign in</h1>
        <p className="tagline">LangGraph Run Server: watch, cancel and roll back your agents&apos; runs.</p>
      </header>
      <SignInForm next={target} />
      <footer className="footer">
        Server health: <a href="/health">/health</a>
      </footer>
    </main>
  );
}
