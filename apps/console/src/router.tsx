import { createRootRoute, createRoute, createRouter, redirect, useRouter } from "@tanstack/react-router";
import { useEffect, useSyncExternalStore } from "react";
import { Layout } from "./components/layout.tsx";
import { useI18n } from "./i18n/index.tsx";
import { AuditScreen } from "./screens/audit.tsx";
import { AcceptInviteScreen, LoginScreen, ResetPasswordScreen, SignUpScreen } from "./screens/auth.tsx";
import { InboxScreen } from "./screens/inbox.tsx";
import { MasterDataScreen } from "./screens/master-data.tsx";
import { NewRequestScreen } from "./screens/new-request.tsx";
import { OrganizationScreen } from "./screens/organization.tsx";
import { ProcessScreen } from "./screens/process.tsx";
import { SettingsScreen } from "./screens/settings.tsx";
import { sessionStore } from "./session.ts";

function NotFound() {
  const { t } = useI18n();
  return <p className="card">{t("error.notFound")}</p>;
}

/** Leaves signed-in screens for the sign-in page as soon as the session ends (sign-out, refresh refused). */
function SessionWatch() {
  const router = useRouter();
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  useEffect(() => {
    if (!session) {
      void router.invalidate();
    }
  }, [session, router]);
  return null;
}

const rootRoute = createRootRoute({
  component: () => (
    <>
      <SessionWatch />
      <Layout />
    </>
  ),
  notFoundComponent: NotFound,
});

const token = (search: Record<string, unknown>) =>
  typeof search.token === "string" ? { token: search.token } : {};

const publicRoute = (path: string, component: () => React.ReactNode) =>
  createRoute({ getParentRoute: () => rootRoute, path, component, validateSearch: token });

/** Screens behind sign-in: without a session, the sign-in page. */
const signedIn = createRoute({
  getParentRoute: () => rootRoute,
  id: "signed-in",
  beforeLoad: () => {
    if (!sessionStore.get()) {
      throw redirect({ to: "/login" });
    }
  },
});

const home = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: sessionStore.get() ? "/inbox" : "/login" });
  },
});

const routeTree = rootRoute.addChildren([
  home,
  publicRoute("/login", LoginScreen),
  publicRoute("/signup", SignUpScreen),
  publicRoute("/accept-invite", AcceptInviteScreen),
  publicRoute("/reset-password", ResetPasswordScreen),
  signedIn.addChildren([
    createRoute({ getParentRoute: () => signedIn, path: "/inbox", component: InboxScreen }),
    createRoute({ getParentRoute: () => signedIn, path: "/processes/$processId", component: ProcessScreen }),
    createRoute({ getParentRoute: () => signedIn, path: "/requests/new", component: NewRequestScreen }),
    createRoute({ getParentRoute: () => signedIn, path: "/organization", component: OrganizationScreen }),
    createRoute({ getParentRoute: () => signedIn, path: "/master-data", component: MasterDataScreen }),
    createRoute({ getParentRoute: () => signedIn, path: "/audit", component: AuditScreen }),
    createRoute({ getParentRoute: () => signedIn, path: "/settings", component: SettingsScreen }),
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: "intent" });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
