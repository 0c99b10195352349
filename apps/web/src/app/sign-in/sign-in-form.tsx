"use client";

import { useState, type FormEvent } from "react";

export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await fetch("/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
    }).catch(() => null);
    setBusy(false);
    if (res?.ok) {
      // a full navigation, so the server renders the dashboard with the new session
      window.location.assign(next);
      return;
    }
    const body = (await res?.json().catch(() => null)) as { message?: string } | null;
    setError(res?.status === 429 ? "Too many attempts: wait a minute and try again." : (body?.message ?? "Could not sign in."));
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label="Sign in">
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
