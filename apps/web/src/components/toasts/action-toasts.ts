import { MutationCache } from "@tanstack/react-query";
import { toast } from "sonner";

/**
 * What an action tells the operator when it is done, given on the mutation as
 * `meta`: a success line, and for failures a prefix before the server's message.
 * Mutations without them toast nothing (forms show their own errors inline).
 */
export interface ToastMeta extends Record<string, unknown> {
  /** the line, or how to word it from the action's input */
  success?: string | ((variables: unknown) => string);
  failure?: string;
}

declare module "@tanstack/react-query" {
  interface Register {
    mutationMeta: ToastMeta;
  }
}

/** The query client's mutation cache: every action's outcome, toasted in one place. */
export function toastingMutations(): MutationCache {
  return new MutationCache({
    onSuccess: (_data, variables, _context, mutation) => {
      const line = mutation.meta?.success;
      if (line) toast.success(typeof line === "function" ? line(variables) : line);
    },
    onError: (error, _variables, _context, mutation) => {
      const prefix = mutation.meta?.failure;
      if (prefix) toast.error(`${prefix}: ${error.message}`);
    },
  });
}
