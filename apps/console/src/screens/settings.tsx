import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../api.tsx";
import { ErrorBanner, Notice } from "../components/form.tsx";
import { type Locale, useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";

/**
 * Changes the language here and remembers it for the signed-in user (notification preferences, which
 * also choose the language of their messages), so it follows them to another browser.
 */
export function useRememberLanguage() {
  const { setLocale } = useI18n();
  const { api, session } = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (locale: Locale) => {
      setLocale(locale);
      if (!session) {
        return null;
      }
      const current = await client.fetchQuery(queries(api).preferences());
      return api.notification.preferences.set.mutate({ locale, expectedVersion: current.version });
    },
    onSuccess: (saved) => {
      if (saved) {
        client.setQueryData(queries(api).preferences().queryKey, {
          locale: saved.locale,
          version: saved.version,
        });
      }
    },
  });
}

export function SettingsScreen() {
  const { t, locale } = useI18n();
  const { api, session } = useApi();
  const me = useQuery(queries(api).me());
  const remember = useRememberLanguage();
  return (
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
        {t("settings.account")}: <strong>{me.data?.user.name ?? "…"}</strong> ({session?.tenantSlug})
      </p>
    </section>
  );
}
