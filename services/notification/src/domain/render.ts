import { toBengaliDigits } from "@vextrus/bd";

export type Locale = "bn" | "en";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/**
 * Logic-less rendering: `{{name}}` is replaced by the value of `name` (HTML-escaped when `html`), an
 * unknown name by nothing. No expressions, loops or code: a tenant-edited text can only place values.
 */
export function fill(template: string, values: Readonly<Record<string, string>>, html = false): string {
  return template.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const value = Object.hasOwn(values, name) ? (values[name] ?? "") : "";
    return html ? escapeHtml(value) : value;
  });
}

const dhaka = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Dhaka",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** A moment as read in Asia/Dhaka, with Bengali digits in `bn`. */
export function dhakaTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  const text = `${dhaka.format(date)} (BST)`;
  return locale === "bn" ? toBengaliDigits(text) : text;
}
