import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api.tsx";
import { ErrorBanner, Notice } from "../components/form.tsx";
import { useRememberLanguage } from "../components/language.ts";
import { useApiMutation } from "../components/mutate.ts";
import { useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";
import { NotificationSettings } from "./notification-settings.tsx";
import { SubscriptionsSettings } from "./subscriptions.tsx";

export function SettingsScreen() {
  const { t, locale } = useI18n();
  const { api, session } = useApi();
  const me = useQuery(queries(api).me());
  const remember = useRememberLanguage();
  // A password can be reset only through a verified address: the link to verify it is asked for here.
  const verify = useApiMutation(
    () => api.auth.requestContactVerification.mutate({ channel: "email" }),
    ["auth.me"],
  );
  const user = me.data?.user;
  return (
    <>
      <section className="card narrow" aria-labelledby="settings-title">
        <h1 id="settings-title">{t("settings.title")}</h1>
        <fieldset>
          <legend>{t("settings.language")}</legend>
          {(["bn", "en"] as const).map((option) => (
            <label key={option} className="radio">
              <input
                type="radio"
                name="language"
                value={option}
                checked={locale === option}
                onChange={() => remember.mutate(option)}
              />
              <span lang={option}>{t(`lang.${option}`)}</span>
            </label>
          ))}
          <small className="muted">{t("settings.languageHint")}</small>
        </fieldset>
        <ErrorBanner error={remember.error} />
        {remember.isSuccess ? <Notice>{t("common.saved")}</Notice> : null}
        <p>
          {t("settings.account")}: <strong>{user?.name ?? "…"}</strong> ({session?.tenantSlug})
        </p>
        {user?.email ? (
          <p>
            {t("auth.channel.email")}: {user.email} (
            {t(user.emailVerifiedAt ? "settings.verified" : "settings.unverified")}){" "}
            {user.emailVerifiedAt ? null : (
              <button
                type="button"
                className="link"
                onClick={() => verify.mutate(undefined)}
                disabled={verify.isPending}
              >
                {t("settings.verifyEmail")}
              </button>
            )}
          </p>
        ) : null}
        <ErrorBanner error={verify.error} />
        {verify.isSuccess ? <Notice>{t("settings.verifySent")}</Notice> : null}
        {session ? <NotificationSettings /> : null}
      </section>
      {session ? <SubscriptionsSettings /> : null}
    </>
  );
}
