import { type QueryClient, useMutation, useQueryClient } from "@tanstack/react-query";
import { shownError } from "../errors.ts";

/** Refreshes every read whose procedure path starts with one of `prefixes` (`"organization.departments"`). */
export function refreshReads(client: QueryClient, prefixes: readonly string[]): Promise<void> {
  return client.invalidateQueries({
    predicate: (query) => {
      const path = query.queryKey[0];
      return typeof path === "string" && prefixes.some((prefix) => path.startsWith(prefix));
    },
  });
}

/**
 * A mutation that refreshes the reads under `invalidates` (procedure-path prefixes) when it succeeds, and
 * the API's per-field messages of its last failure.
 */
export function useApiMutation<TInput, TResult>(
  mutationFn: (input: TInput) => Promise<TResult>,
  invalidates: string[],
  onSuccess?: (result: TResult, input: TInput) => void | Promise<void>,
) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn,
    onSuccess: async (result, input) => {
      await refreshReads(client, invalidates);
      await onSuccess?.(result, input);
    },
  });
  return { ...mutation, fields: shownError(mutation.error)?.fields ?? {} };
}
