import "@fontsource/noto-sans-bengali/bengali-400.css";
import "@fontsource/noto-sans-bengali/bengali-600.css";
import "./styles.css";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiProvider } from "./api.tsx";
import { isUnauthorized, shownError } from "./errors.ts";
import { I18nProvider } from "./i18n/index.tsx";
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
