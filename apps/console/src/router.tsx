import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
  useRouter,
} from "@tanstack/react-router";
import { useEffect, useSyncExternalStore } from "react";
import { Layout } from "./components/layout.tsx";
import { useI18n } from "./i18n/index.tsx";
import {
  AcceptInviteScreen,
  LoginScreen,
  ResetPasswordScreen,
  SignUpScreen,
  VerifyContactScreen,
} from "./screens/auth.tsx";
import { InboxScreen } from "./screens/inbox.tsx";
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

/**
 * A signed-in screen whose code loads when it is first visited (or hovered: `defaultPreload`), so
 * the first page (sign-in or the inbox) carries only its own code.
 */
function screen<M extends Record<string, unknown>>(
  path: string,
  load: () => Promise<M>,
  name: keyof M & string,
) {
  return createRoute({
    getParentRoute: () => signedIn,
    path,
    component: lazyRouteComponent(load, name as never),
  });
}

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
  // Verifying needs no session: the link is the proof.
  publicRoute("/verify-contact", VerifyContactScreen),
  signedIn.addChildren([
    createRoute({ getParentRoute: () => signedIn, path: "/inbox", component: InboxScreen }),
    screen("/processes/$processId", () => import("./screens/process.tsx"), "ProcessScreen"),
    screen("/requests/new", () => import("./screens/new-request.tsx"), "NewRequestScreen"),
    screen("/organization", () => import("./screens/organization.tsx"), "OrganizationScreen"),
    screen("/master-data", () => import("./screens/master-data.tsx"), "MasterDataScreen"),
    screen("/documents", () => import("./screens/documents.tsx"), "DocumentsScreen"),
    screen("/imports", () => import("./screens/imports.tsx"), "ImportsScreen"),
    screen("/audit", () => import("./screens/audit.tsx"), "AuditScreen"),
    screen("/settings", () => import("./screens/settings.tsx"), "SettingsScreen"),
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: "intent" });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
