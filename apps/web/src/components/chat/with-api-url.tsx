"use client";

import { useEffect, useState, type ReactNode } from "react";

/** This page's origin once in the browser (null while rendering on the server): the SDKs need an absolute API URL. */
function useOrigin(): string | null {
  const [origin, setOrigin] = useState<string | null>(null);
  useEffect(() => setOrigin(window.location.origin), []);
  return origin;
}

/**
 * Renders its child in the browser only, given this server's LangGraph API URL
 * (`<origin>/api/langgraph`): same origin, so the session cookie authenticates the SDK.
 */
export function WithApiUrl({ children }: { children: (apiUrl: string) => ReactNode }) {
  const origin = useOrigin();
  return origin ? children(`${origin}/api/langgraph`) : null;
}
