import { createVextrusClient, type VextrusClient } from "@vextrus/client";
import { createContext, type ReactNode, useContext, useMemo, useSyncExternalStore } from "react";
import { useI18n } from "./i18n/index.tsx";
import { type Session, sessionStore } from "./session.ts";

interface Api {
  /** The typed client for the gateway this page came from, signed in when there is a session. */
  api: VextrusClient;
  session: Session | null;
}

const ApiContext = createContext<Api | null>(null);

/**
 * One typed client per session and language: error messages come back in the reader's language
 * (Accept-Language), and an expired access token is refreshed by the client itself.
 */
export function ApiProvider({ children }: { children: ReactNode }) {
  const { locale } = useI18n();
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  // A new client only when someone signs in or out or the language changes: refreshed tokens are
  // stored into the same session object, and the client already holds them.
  const api = useMemo(
    () =>
      createVextrusClient({
        url: window.location.origin,
        token: session?.accessToken,
        refreshToken: session?.refreshToken,
        onTokens: sessionStore.saveTokens,
        locale,
      }),
    [session, locale],
  );
  const value = useMemo(() => ({ api, session }), [api, session]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const value = useContext(ApiContext);
  if (!value) {
    throw new Error("useApi outside ApiProvider");
  }
  return value;
}
