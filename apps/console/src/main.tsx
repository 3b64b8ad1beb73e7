import "@fontsource/noto-sans-bengali/bengali-400.css";
import "@fontsource/noto-sans-bengali/bengali-600.css";
import "./styles.css";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiProvider, clientFor } from "./api.tsx";
import { isUnauthorized, shownError } from "./errors.ts";
import { I18nProvider, initialLocale } from "./i18n/index.tsx";
import { queries } from "./queries.ts";
import { router } from "./router.tsx";
import { sessionStore } from "./session.ts";

/** UNAUTHORIZED after the client's own refresh: the session is over, back to sign-in. */
const endSessionOn = (error: unknown) => {
  if (isUnauthorized(error) && sessionStore.get()) {
    sessionStore.signOut();
  }
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: endSessionOn }),
  mutationCache: new MutationCache({ onError: endSessionOn }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // Ask again only when the network or a server failed, never for a refusal (4xx).
      retry: (count, error) =>
        count < 2 &&
        ["NETWORK", "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"].includes(shownError(error)?.code ?? ""),
    },
  },
});

// The cache holds the signed-in user's data: nothing of it may outlive the session (the next person
// to sign in at this browser would see it until each query refetched).
sessionStore.subscribe(() => {
  if (!sessionStore.get()) {
    queryClient.clear();
  }
});

// When the app's code has loaded and runs (the browser tests read it for the first load's timeline).
performance.mark("console:start");

// The inbox opened signed in: its tasks are asked for now, while React mounts the page, not after the
// router and the first render have run (on a busy CPU that was the largest part of the first load).
const session = sessionStore.get();
if (session && window.location.pathname === "/inbox") {
  void queryClient.prefetchQuery(queries(clientFor(session, initialLocale())).tasks());
}

const root = document.getElementById("root");
if (!root) {
  throw new Error("index.html has no #root");
}
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <ApiProvider>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ApiProvider>
    </I18nProvider>
  </StrictMode>,
);
