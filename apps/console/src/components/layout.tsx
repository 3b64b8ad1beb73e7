import { useQuery } from "@tanstack/react-query";
import { Link, Outlet } from "@tanstack/react-router";
import { useEffect } from "react";
import { useApi } from "../api.tsx";
import { useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";
import { sessionStore } from "../session.ts";
import { useSecondaryReads } from "./critical.ts";
import { useRememberLanguage } from "./language.ts";
import { useLiveInbox } from "./live.ts";

/** Header (name, navigation, language, sign-out), a skip link, and the screen. */
export function Layout() {
  const { t, num, locale, setLocale } = useI18n();
  const { api, session } = useApi();
  const q = queries(api);
  const secondary = useSecondaryReads();
  useLiveInbox(secondary);
  const unread = useQuery({ ...q.unreadCount(), enabled: session !== null && secondary });
  const preferences = useQuery({ ...q.preferences(), enabled: session !== null && secondary });
  // The language remembered for this user (notification preferences) wins once, after sign-in.
  const remembered = preferences.data?.locale;
  useEffect(() => {
    if (remembered) {
      setLocale(remembered);
    }
  }, [remembered, setLocale]);
  const remember = useRememberLanguage();
  const other = locale === "bn" ? "en" : "bn";
  return (
    <>
      <a className="skip" href="#main">
        {t("app.skip")}
      </a>
      <header className="top">
        <Link to="/" className="brand">
          {t("app.name")}
        </Link>
        {session ? (
          <nav aria-label={t("nav.main")}>
            <Link to="/inbox">
              {t("nav.inbox")}
              {unread.data?.unread ? (
                <span className="badge">
                  <span aria-hidden="true">
                    {unread.data.unread > 99 ? num("99+") : num(unread.data.unread)}
                  </span>
                  <span className="visually-hidden">{t("inbox.unread", { n: unread.data.unread })}</span>
                </span>
              ) : null}
            </Link>
            <Link to="/requests/new">{t("nav.newRequest")}</Link>
            <Link to="/organization">{t("nav.organization")}</Link>
            <Link to="/master-data">{t("nav.masterData")}</Link>
            <Link to="/documents">{t("nav.documents")}</Link>
            <Link to="/imports">{t("nav.imports")}</Link>
            <Link to="/audit">{t("nav.audit")}</Link>
            <Link to="/settings">{t("nav.settings")}</Link>
          </nav>
        ) : null}
        <div className="top-actions">
          <button
            type="button"
            className="link"
            lang={other}
            title={t("nav.languageLabel")}
            onClick={() => remember.mutate(other)}
          >
            {t("nav.language")}
          </button>
          {session ? (
            <button
              type="button"
              className="link"
              onClick={() => {
                void api.auth.logout.mutate().catch(() => undefined);
                sessionStore.signOut();
              }}
            >
              {t("nav.signOut")}
            </button>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
