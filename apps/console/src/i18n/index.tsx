import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from "react";
import { bn } from "./bn.ts";
import { en, type MessageKey } from "./en.ts";
import { dateTime, digits, fill, inWords, type Locale, money } from "./format.ts";

export type { Locale, MessageKey };

const STORAGE_KEY = "vextrus.locale";
const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, bn };

export interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  num: (value: string | number) => string;
  money: (amount: string) => string;
  /** "7.5 lakh" / "৭.৫ লাখ", or "" below a lakh. */
  words: (amount: string) => string;
  date: (value: Date | string | null | undefined) => string;
}

/** The language shown before anyone signs in: the last one chosen here, else Bengali. */
export function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored === "en" || stored === "bn" ? stored : "bn";
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
    localStorage.setItem(STORAGE_KEY, locale);
  }, [locale]);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale: setLocaleState,
      t: (key, params) => fill(CATALOGUES[locale][key], params, locale),
      num: (n) => digits(n, locale),
      money: (amount) => money(amount, locale),
      words: (amount) => inWords(amount, locale),
      date: (d) => dateTime(d, locale),
    }),
    [locale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) {
    throw new Error("useI18n outside I18nProvider");
  }
  return value;
}
