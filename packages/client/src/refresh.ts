import { TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** The tokens a client holds; the refresh link replaces them when it refreshes. */
export interface TokenState {
  accessToken: string | undefined;
  refreshToken: string | undefined;
}

const isUnauthorized = (error: unknown) =>
  error instanceof TRPCClientError && (error.data as { code?: unknown } | undefined)?.code === "UNAUTHORIZED";

/**
 * On UNAUTHORIZED, refreshes the token pair once and retries the call once. Concurrent failures share
 * one refresh (a rotating refresh token must be spent once); a call that failed with a token that has
 * since been replaced just retries.
 */
export function refreshLink<TRouter extends AnyTRPCRouter>(
  state: TokenState,
  refresh: (refreshToken: string) => Promise<Tokens>,
  onTokens: ((tokens: Tokens) => void | Promise<void>) | undefined,
  refreshPath: string,
): TRPCLink<TRouter> {
  let refreshing: Promise<boolean> | undefined;
  const refreshOnce = () => {
    refreshing ??= (async () => {
      const spent = state.refreshToken;
      if (!spent) {
        return false;
      }
      try {
        const tokens = await refresh(spent);
        state.accessToken = tokens.accessToken;
        state.refreshToken = tokens.refreshToken;
        await onTokens?.(tokens);
        return true;
      } catch {
        return false;
      }
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let current: Unsubscribable | undefined;
        const attempt = (retried: boolean) => {
          const sentWith = state.accessToken;
          current = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              if (retried || op.path === refreshPath || !isUnauthorized(error)) {
                observer.error(error);
                return;
              }
              if (state.accessToken !== sentWith) {
                attempt(true);
                return;
              }
              void refreshOnce().then((ok) => (ok ? attempt(true) : observer.error(error)));
            },
          });
        };
        attempt(false);
        return () => current?.unsubscribe();
      });
}
