/**
 * Who is signed in, kept in localStorage so a reload stays signed in. A tiny external store: React
 * reads it with useSyncExternalStore, the query cache's error handler signs out through it. The typed
 * client refreshes the token pair on its own (auth's rotating refresh tokens) and hands every new pair
 * to `saveTokens`, so the stored pair is always the one that works.
 */
import type { Tokens } from "@vextrus/client";

export interface Session extends Tokens {
  tenantSlug: string;
}

const KEY = "vextrus.session";
const LAST_SLUG_KEY = "vextrus.lastSlug";
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? "null") as Partial<Session> | null;
    return parsed?.accessToken && parsed.refreshToken && parsed.tenantSlug ? (parsed as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();

function publish(next: Session | null): void {
  current = next;
  if (next) {
    localStorage.setItem(KEY, JSON.stringify(next));
  } else {
    localStorage.removeItem(KEY);
  }
  for (const listener of listeners) {
    listener();
  }
}

export const sessionStore = {
  get: (): Session | null => current,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  signIn(session: Session): void {
    localStorage.setItem(LAST_SLUG_KEY, session.tenantSlug);
    publish(session);
  },
  /** The organisation address last signed in to here, to fill the sign-in form. */
  lastSlug: (): string => localStorage.getItem(LAST_SLUG_KEY) ?? "",
  signOut: () => publish(null),
  /** A refreshed pair: stored in place without re-rendering anyone (the client already uses it). */
  saveTokens(tokens: Tokens): void {
    if (current) {
      // In place: the session is the same one, so nobody builds a new client for it.
      Object.assign(current, tokens);
      localStorage.setItem(KEY, JSON.stringify(current));
    }
  },
};
