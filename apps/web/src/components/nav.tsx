"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { FindBox } from "@/components/find/find-box.tsx";

const LINKS = [
  { href: "/runs", label: "Runs" },
  { href: "/threads", label: "Threads" },
  { href: "/assistants", label: "Assistants" },
  { href: "/crons", label: "Crons" },
  { href: "/usage", label: "Usage" },
  { href: "/runs/new", label: "New run" },
  { href: "/sdk-demo", label: "SDK demo" },
];

export function Nav({ email, role }: { email: string; role: "admin" | "user" }) {
  const path = usePathname();
  const router = useRouter();
  async function signOut() {
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    router.replace("/sign-in");
    router.refresh();
  }
  // the most specific link is the current one ("/runs/new" over "/runs")
  const current = LINKS.filter((l) => path === l.href || path.startsWith(`${l.href}/`)).sort((a, b) => b.href.length - a.href.length)[0];
  return (
    <header className="topbar">
      <Link href="/runs" className="brand">
        LangGraph Run Server
      </Link>
      <nav aria-label="Main">
        <ul>
          {LINKS.map((l) => (
            <li key={l.href}>
              <Link href={l.href} aria-current={current?.href === l.href ? "page" : undefined}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {/* the Find page has its own, larger box */}
      {path === "/find" ? null : <FindBox compact />}
      <div className="who">
        {/* the role is the address's title: "(admin)" beside it would push the bar onto two lines at 1280 px */}
        <span className="muted account" title={role === "admin" ? `${email}: admin, sees every owner's runs` : email}>
          {email}
        </span>
        <button type="button" className="btn" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
