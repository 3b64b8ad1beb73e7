import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../api.tsx";
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
        client.setQueryData(queries(api).preferences().queryKey, saved);
      }
    },
  });
}
