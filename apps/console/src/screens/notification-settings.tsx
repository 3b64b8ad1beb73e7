import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@vextrus/client";
import { type FormEvent, useState } from "react";
import { useApi } from "../api.tsx";
import { ErrorBanner, InputField, Notice } from "../components/form.tsx";
import { useApiMutation } from "../components/mutate.ts";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";

type Preferences = RouterOutputs["notification"]["preferences"]["get"];
const CATEGORIES = ["task", "process", "security"] as const;
const CHANNELS = ["email", "sms"] as const;
type Channel = (typeof CHANNELS)[number];
/** The two times of the quiet hours: field, label, what the form offers before any are set. */
const EDGES = [
  ["start", "prefs.quietStart", "22:00"],
  ["end", "prefs.quietEnd", "07:00"],
] as const;

/**
 * The signed-in user's notification preferences (notification.preferences.*): per category the
 * channels besides the in-app message, quiet hours in Asia/Dhaka, and the daily digest. The API
 * checks the times; its messages show beside the fields.
 */
export function NotificationSettings() {
  const { t } = useI18n();
  const { api } = useApi();
  const prefs = useQuery(queries(api).preferences());
  const [saved, setSaved] = useState(false);
  if (!prefs.data) {
    return prefs.error ? <ErrorBanner error={prefs.error} /> : <p aria-busy="true">{t("common.loading")}</p>;
  }
  // A new form for each saved version: its fields start from what is stored.
  return <PreferencesForm key={prefs.data.version} prefs={prefs.data} saved={saved} onSaved={setSaved} />;
}

interface FormProps {
  prefs: Preferences;
  saved: boolean;
  onSaved: (saved: boolean) => void;
}

function PreferencesForm({ prefs, saved, onSaved }: FormProps) {
  const { t } = useI18n();
  const { api } = useApi();
  const client = useQueryClient();
  const [quiet, setQuiet] = useState(Boolean(prefs.quietHours));
  const save = useApiMutation(
    (form: FormData) =>
      api.notification.preferences.set.mutate({
        expectedVersion: prefs.version,
        channels: Object.fromEntries(
          CATEGORIES.map((category) => [category, form.getAll(category).map(String) as Channel[]]),
        ),
        quietHours: quiet
          ? { start: String(form.get("start") ?? ""), end: String(form.get("end") ?? "") }
          : null,
        digest: form.get("digest") === "on",
      }),
    [],
    (after) => {
      client.setQueryData(queries(api).preferences().queryKey, after);
      onSaved(true);
    },
  );
  const f = save.fields;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSaved(false);
    save.mutate(new FormData(event.currentTarget));
  };
  return (
    <form noValidate aria-label={t("prefs.title")} onSubmit={submit}>
      <h2>{t("prefs.title")}</h2>
      <p className="muted">{t("prefs.hint")}</p>
      {CATEGORIES.map((category) => (
        <fieldset key={category}>
          <legend>{t(`prefs.category.${category}` as MessageKey)}</legend>
          {CHANNELS.map((channel) => (
            <label key={channel} className="radio">
              <input
                type="checkbox"
                name={category}
                value={channel}
                defaultChecked={prefs.channels?.[category].includes(channel) ?? false}
              />
              <span>{t(`prefs.channel.${channel}` as MessageKey)}</span>
            </label>
          ))}
          {f[`channels.${category}`] ? (
            <small className="field-error">{f[`channels.${category}`]}</small>
          ) : null}
        </fieldset>
      ))}
      <fieldset>
        <legend>{t("prefs.quiet")}</legend>
        <label className="radio">
          <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} />
          <span>{t("prefs.quietOn")}</span>
        </label>
        <div className="row">
          {EDGES.map(([edge, label, fallback]) => (
            <InputField
              key={edge}
              label={t(label)}
              name={edge}
              type="time"
              disabled={!quiet}
              defaultValue={prefs.quietHours?.[edge] ?? fallback}
              error={f[`quietHours.${edge}`]}
            />
          ))}
        </div>
        <small className="muted">{t("prefs.quietHint")}</small>
      </fieldset>
      <label className="radio">
        <input type="checkbox" name="digest" defaultChecked={prefs.digest ?? false} />
        <span>{t("prefs.digest")}</span>
      </label>
      <ErrorBanner error={save.error} />
      {saved ? <Notice>{t("common.saved")}</Notice> : null}
      <div className="buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t("common.save")}
        </button>
      </div>
    </form>
  );
}
