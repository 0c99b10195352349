"use client";

import { Toaster as Sonner } from "sonner";

/** Where action toasts appear: bottom right, in the system's light or dark theme. */
export function Toaster() {
  return <Sonner position="bottom-right" theme="system" richColors closeButton />;
}
