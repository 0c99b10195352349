"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import { transformer } from "@lgrs/api/transformer";
import type { AppRouter } from "@lgrs/api";
import { toastingMutations } from "@/components/toasts/action-toasts.ts";
import { Toaster } from "@/components/toasts/toaster.tsx";

/** The typed API for the dashboard's client components: `const trpc = useTRPC()`. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

const URL = "/api/trpc";

/** Queries and mutations batched over HTTP, subscriptions over server-sent events; the session cookie authenticates both. */
export function ApiProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        mutationCache: toastingMutations(),
        defaultOptions: { queries: { staleTime: 5_000, retry: (n, err) => n < 2 && !isClientError(err) } },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: URL, transformer }),
          false: httpBatchLink({ url: URL, transformer, maxItems: 10, maxURLLength: 8000 }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
        <Toaster />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** Not found, bad request, unauthorized: asking again will not help. */
function isClientError(err: unknown): boolean {
  const status = (err as { data?: { httpStatus?: number } }).data?.httpStatus;
  return status !== undefined && status >= 400 && status < 500;
}
