"use client";

import { ErrorState } from "@/components/states.tsx";

/** A dashboard page that failed while rendering: the reason, inside the navigation, with a retry. */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const message = error.digest ? `the server logged the error (digest ${error.digest})` : error.message;
  return <ErrorState error={{ message }} retry={reset} />;
}
