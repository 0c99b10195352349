import type { ReactNode } from "react";
import { headers } from "next/headers";
import { ApiProvider } from "@/lib/trpc.tsx";
import { requireViewer } from "@/lib/session.ts";
import { Nav } from "@/components/nav.tsx";
import { GraphsBanner } from "@/components/graphs-banner.tsx";

export const dynamic = "force-dynamic";

/** Every dashboard page: signed in only, with the navigation and the typed API client. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const path = (await headers()).get("x-lgrs-path") ?? "/runs";
  const viewer = await requireViewer(path);
  return (
    <ApiProvider>
      <div className="shell">
        <Nav email={viewer.email} role={viewer.role} />
        <main className="content">
          <GraphsBanner />
          {children}
        </main>
      </div>
    </ApiProvider>
  );
}
