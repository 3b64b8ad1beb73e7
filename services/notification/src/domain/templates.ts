import { fill, type Locale } from "./render.ts";

/** The built-in text of one template in one language. */
interface Text {
  subject: string;
  text: string;
  html?: string;
}

export const TEMPLATE_KEYS = [
  "contact_changed",
  "task_assigned",
  "task_escalated",
  "invitation",
  "password_reset",
  "contact_verification",
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

const BUILT_IN: Record<TemplateKey, Record<Locale, Text>> = {
  invitation: {
    en: {
      subject: "You are invited to Vextrus",
      text: "You were invited to your company's Vextrus workspace. Set your password here (the link works once, until {{expires}}): {{link}}",
      html: '<p>You were invited to your company\'s Vextrus workspace.</p><p><a href="{{link}}">Set your password</a> (the link works once, until {{expires}}).</p>',
    },
    bn: {
      subject: "ভেক্সট্রাসে আপনাকে আমন্ত্রণ জানানো হয়েছে",
      text: "আপনার প্রতিষ্ঠানের ভেক্সট্রাস ওয়ার্কস্পেসে আপনাকে আমন্ত্রণ জানানো হয়েছে। এখানে আপনার পাসওয়ার্ড ঠিক করুন (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত): {{link}}",
      html: '<p>আপনার প্রতিষ্ঠানের ভেক্সট্রাস ওয়ার্কস্পেসে আপনাকে আমন্ত্রণ জানানো হয়েছে।</p><p><a href="{{link}}">পাসওয়ার্ড ঠিক করুন</a> (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত)।</p>',
    },
  },
  password_reset: {
    en: {
      subject: "Reset your Vextrus password",
      text: "Someone asked to reset the password of your Vextrus account. If it was you, choose a new one here (the link works once, until {{expires}}): {{link}} If it was not you, ignore this message: your password stays as it is.",
      html: '<p>Someone asked to reset the password of your Vextrus account.</p><p>If it was you, <a href="{{link}}">choose a new password</a> (the link works once, until {{expires}}).</p><p>If it was not you, ignore this message: your password stays as it is.</p>',
    },
    bn: {
      subject: "আপনার ভেক্সট্রাস পাসওয়ার্ড পুনরায় ঠিক করুন",
      text: "আপনার ভেক্সট্রাস অ্যাকাউন্টের পাসওয়ার্ড পুনরায় ঠিক করার অনুরোধ করা হয়েছে। আপনি করে থাকলে এখানে নতুন পাসওয়ার্ড দিন (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত): {{link}} আপনি না করে থাকলে এই বার্তাটি উপেক্ষা করুন: আপনার পাসওয়ার্ড যেমন আছে তেমনই থাকবে।",
      html: '<p>আপনার ভেক্সট্রাস অ্যাকাউন্টের পাসওয়ার্ড পুনরায় ঠিক করার অনুরোধ করা হয়েছে।</p><p>আপনি করে থাকলে <a href="{{link}}">নতুন পাসওয়ার্ড দিন</a> (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত)।</p><p>আপনি না করে থাকলে এই বার্তাটি উপেক্ষা করুন: আপনার পাসওয়ার্ড যেমন আছে তেমনই থাকবে।</p>',
    },
  },
  contact_verification: {
    en: {
      subject: "Confirm this address for Vextrus",
      text: "Confirm that this address belongs to your Vextrus account (the link works once, until {{expires}}): {{link}}",
      html: '<p>Confirm that this address belongs to your Vextrus account: <a href="{{link}}">confirm</a> (the link works once, until {{expires}}).</p>',
    },
    bn: {
      subject: "ভেক্সট্রাসের জন্য এই ঠিকানাটি নিশ্চিত করুন",
      text: "এই ঠিকানাটি আপনার ভেক্সট্রাস অ্যাকাউন্টের কিনা তা নিশ্চিত করুন (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত): {{link}}",
      html: '<p>এই ঠিকানাটি আপনার ভেক্সট্রাস অ্যাকাউন্টের কিনা তা নিশ্চিত করুন: <a href="{{link}}">নিশ্চিত করুন</a> (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত)।</p>',
    },
  },
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
