import type { Locale } from "@vextrus/bd";

export type { Locale };

/** `bn` when the caller's Accept-Language prefers Bengali over English, otherwise `en`. */
export function localeFromHeader(header: string | null | undefined): Locale {
  if (!header) {
    return "en";
  }
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { tag, q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.tag.startsWith("bn") || entry.tag.startsWith("en"))
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.tag.startsWith("bn") ? "bn" : "en";
}
