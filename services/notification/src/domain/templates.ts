import { fill, type Locale } from "./render.ts";

/** The built-in text of one template in one language. */
interface Text {
  subject: string;
  text: string;
  html?: string;
}

export const TEMPLATE_KEYS = ["contact_changed", "task_assigned", "task_escalated"] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

const BUILT_IN: Record<TemplateKey, Record<Locale, Text>> = {
  contact_changed: {
    en: {
      subject: "Your Vextrus {{channel}} was changed",
      text: "The {{channel}} on your Vextrus account was changed from {{previous}} to {{current}} ({{by}}). If you did not do this, contact your administrator now.",
      html: "<p>The {{channel}} on your Vextrus account was changed from <b>{{previous}}</b> to <b>{{current}}</b> ({{by}}).</p><p>If you did not do this, contact your administrator now.</p>",
    },
    bn: {
      subject: "আপনার ভেক্সট্রাস {{channel}} পরিবর্তন করা হয়েছে",
      text: "আপনার ভেক্সট্রাস অ্যাকাউন্টের {{channel}} {{previous}} থেকে {{current}} করা হয়েছে ({{by}})। আপনি এটি না করে থাকলে এখনই আপনার প্রশাসকের সাথে যোগাযোগ করুন।",
      html: "<p>আপনার ভেক্সট্রাস অ্যাকাউন্টের {{channel}} <b>{{previous}}</b> থেকে <b>{{current}}</b> করা হয়েছে ({{by}})।</p><p>আপনি এটি না করে থাকলে এখনই আপনার প্রশাসকের সাথে যোগাযোগ করুন।</p>",
    },
  },
  task_assigned: {
    en: {
      subject: "A task is waiting for your approval",
      text: "A task was assigned to you{{due}}. Open it: {{link}}",
    },
    bn: {
      subject: "একটি কাজ আপনার অনুমোদনের অপেক্ষায়",
      text: "আপনাকে একটি কাজ দেওয়া হয়েছে{{due}}। খুলুন: {{link}}",
    },
  },
  task_escalated: {
    en: {
      subject: "An overdue task was escalated to you",
      text: "A task that was not decided in time was escalated to you. Open it: {{link}}",
    },
    bn: {
      subject: "সময়মতো সিদ্ধান্ত না হওয়া একটি কাজ আপনার কাছে পাঠানো হয়েছে",
      text: "সময়মতো সিদ্ধান্ত না হওয়া একটি কাজ আপনার কাছে পাঠানো হয়েছে। খুলুন: {{link}}",
    },
  },
};

export interface Rendered {
  subject: string;
  text: string;
  html: string | null;
}

/** Renders a built-in template in `locale` with `values` (HTML part escaped). */
export function render(key: TemplateKey, locale: Locale, values: Readonly<Record<string, string>>): Rendered {
  const t = BUILT_IN[key][locale];
  return {
    subject: fill(t.subject, values),
    text: fill(t.text, values),
    html: t.html ? fill(t.html, values, true) : null,
  };
}
