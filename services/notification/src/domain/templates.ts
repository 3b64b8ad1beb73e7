import { parse, renderTemplate, type Values } from "./engine.ts";
import type { Locale } from "./render.ts";

/** The text of one template in one language (built in, or a tenant's version). */
export interface TemplateText {
  subject: string;
  text: string;
  html?: string | null | undefined;
}

interface Definition {
  /** The values the template is given (a tenant's text may use these and no others). */
  variables: readonly string[];
  /** Values every version must place (a secret link's message without its link is useless). */
  required?: readonly string[];
  /** Fields of each entry of a list value (`{{#items}}{{subject}}{{/items}}`). */
  itemFields?: readonly string[];
  /** Example values, for a preview and for checking a tenant's text renders. */
  sample: Values;
  text: Record<Locale, TemplateText>;
}

const LINK = "https://erp.example.com.bd/…";

const DEFINITIONS = {
  contact_changed: {
    variables: ["channel", "previous", "current", "by"],
    sample: {
      channel: "e-mail address",
      previous: "ra***@example.com",
      current: "ne***@example.com",
      by: "by you",
    },
    text: {
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
  },
  task_assigned: {
    variables: ["link", "due", "subject", "amount"],
    required: ["link"],
    sample: {
      link: LINK,
      due: "15 Jun 2026, 18:00 (BST)",
      subject: "Cement for Block C",
      amount: "৳12,50,000.00",
    },
    text: {
      en: {
        subject: "A task is waiting for your approval{{#subject}}: {{subject}}{{/subject}}",
        text: "A task was assigned to you{{#subject}}: {{subject}}{{/subject}}{{#amount}} ({{amount}}){{/amount}}{{#due}}, due {{due}}{{/due}}. Open it: {{link}}",
        html: '<p>A task was assigned to you{{#subject}}: <b>{{subject}}</b>{{/subject}}{{#amount}} ({{amount}}){{/amount}}{{#due}}, due {{due}}{{/due}}.</p><p><a href="{{link}}">Open it</a></p>',
      },
      bn: {
        subject: "একটি কাজ আপনার অনুমোদনের অপেক্ষায়{{#subject}}: {{subject}}{{/subject}}",
        text: "আপনাকে একটি কাজ দেওয়া হয়েছে{{#subject}}: {{subject}}{{/subject}}{{#amount}} ({{amount}}){{/amount}}{{#due}}, শেষ সময় {{due}}{{/due}}। খুলুন: {{link}}",
        html: '<p>আপনাকে একটি কাজ দেওয়া হয়েছে{{#subject}}: <b>{{subject}}</b>{{/subject}}{{#amount}} ({{amount}}){{/amount}}{{#due}}, শেষ সময় {{due}}{{/due}}।</p><p><a href="{{link}}">খুলুন</a></p>',
      },
    },
  },
  task_escalated: {
    variables: ["link", "subject"],
    required: ["link"],
    sample: { link: LINK, subject: "Cement for Block C" },
    text: {
      en: {
        subject: "An overdue task was escalated to you",
        text: "A task that was not decided in time was escalated to you{{#subject}}: {{subject}}{{/subject}}. Open it: {{link}}",
      },
      bn: {
        subject: "সময়মতো সিদ্ধান্ত না হওয়া একটি কাজ আপনার কাছে পাঠানো হয়েছে",
        text: "সময়মতো সিদ্ধান্ত না হওয়া একটি কাজ আপনার কাছে পাঠানো হয়েছে{{#subject}}: {{subject}}{{/subject}}। খুলুন: {{link}}",
      },
    },
  },
  process_approved: {
    variables: ["link", "subject", "amount"],
    sample: { link: LINK, subject: "Cement for Block C", amount: "৳12,50,000.00" },
    text: {
      en: {
        subject: "Approved: {{subject}}",
        text: "Your request {{subject}}{{#amount}} ({{amount}}){{/amount}} was approved. {{link}}",
      },
      bn: {
        subject: "অনুমোদিত: {{subject}}",
        text: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} অনুমোদিত হয়েছে। {{link}}",
      },
    },
  },
  process_rejected: {
    variables: ["link", "subject", "amount", "comment"],
    sample: { link: LINK, subject: "Cement for Block C", amount: "৳12,50,000.00", comment: "Over budget" },
    text: {
      en: {
        subject: "Rejected: {{subject}}",
        text: "Your request {{subject}}{{#amount}} ({{amount}}){{/amount}} was rejected{{#comment}}: {{comment}}{{/comment}}. {{link}}",
      },
      bn: {
        subject: "প্রত্যাখ্যাত: {{subject}}",
        text: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} প্রত্যাখ্যাত হয়েছে{{#comment}}: {{comment}}{{/comment}}। {{link}}",
      },
    },
  },
  process_returned: {
    variables: ["link", "subject", "amount", "comment"],
    required: ["link"],
    sample: {
      link: LINK,
      subject: "Cement for Block C",
      amount: "৳12,50,000.00",
      comment: "Attach the quotation",
    },
    text: {
      en: {
        subject: "Returned for changes: {{subject}}",
        text: "Your request {{subject}}{{#amount}} ({{amount}}){{/amount}} was returned for changes{{#comment}}: {{comment}}{{/comment}}. Change and resubmit it: {{link}}",
      },
      bn: {
        subject: "সংশোধনের জন্য ফেরত: {{subject}}",
        text: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} সংশোধনের জন্য ফেরত পাঠানো হয়েছে{{#comment}}: {{comment}}{{/comment}}। সংশোধন করে আবার জমা দিন: {{link}}",
      },
    },
  },
  daily_digest: {
    variables: ["date", "count", "items", "link"],
    itemFields: ["subject", "time"],
    sample: {
      date: "15 Jun 2026",
      count: "2",
      items: [
        { subject: "A task is waiting for your approval", time: "09:30" },
        { subject: "Approved: Cement for Block C", time: "14:05" },
      ],
      link: LINK,
    },
    text: {
      en: {
        subject: "Your Vextrus digest for {{date}}: {{count}} messages",
        text: "{{count}} messages for you on {{date}}:\n{{#items}}- {{time}} {{subject}}\n{{/items}}{{^items}}Nothing new.\n{{/items}}Open Vextrus: {{link}}",
        html: '<p>{{count}} messages for you on {{date}}:</p><ul>{{#items}}<li>{{time}} {{subject}}</li>{{/items}}</ul><p><a href="{{link}}">Open Vextrus</a></p>',
      },
      bn: {
        subject: "{{date}} তারিখের ভেক্সট্রাস সারসংক্ষেপ: {{count}}টি বার্তা",
        text: "{{date}} তারিখে আপনার জন্য {{count}}টি বার্তা:\n{{#items}}- {{time}} {{subject}}\n{{/items}}{{^items}}নতুন কিছু নেই।\n{{/items}}ভেক্সট্রাস খুলুন: {{link}}",
        html: '<p>{{date}} তারিখে আপনার জন্য {{count}}টি বার্তা:</p><ul>{{#items}}<li>{{time}} {{subject}}</li>{{/items}}</ul><p><a href="{{link}}">ভেক্সট্রাস খুলুন</a></p>',
      },
    },
  },
  invitation: {
    variables: ["link", "expires"],
    required: ["link"],
    sample: { link: LINK, expires: "16 Jun 2026, 12:00 (BST)" },
    text: {
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
  },
  password_reset: {
    variables: ["link", "expires"],
    required: ["link"],
    sample: { link: LINK, expires: "15 Jun 2026, 12:30 (BST)" },
    text: {
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
  },
  contact_verification: {
    variables: ["link", "expires"],
    required: ["link"],
    sample: { link: LINK, expires: "16 Jun 2026, 12:00 (BST)" },
    text: {
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
  },
} as const satisfies Record<string, Definition>;

export type TemplateKey = keyof typeof DEFINITIONS;
export const TEMPLATE_KEYS = Object.keys(DEFINITIONS) as [TemplateKey, ...TemplateKey[]];

export const definitionOf = (key: TemplateKey): Definition => DEFINITIONS[key];
export const builtInText = (key: TemplateKey, locale: Locale): TemplateText => DEFINITIONS[key].text[locale];

export interface Rendered {
  subject: string;
  text: string;
  html: string | null;
}

/** Renders `key` in `locale` with `values`: the tenant's version when given, else the built-in text. */
export function render(key: TemplateKey, locale: Locale, values: Values, version?: TemplateText): Rendered {
  const t: TemplateText = version ?? DEFINITIONS[key].text[locale];
  return {
    subject: renderTemplate(t.subject, values).replace(/\s+/g, " ").trim(),
    text: renderTemplate(t.text, values),
    html: t.html ? renderTemplate(t.html, values, true) : null,
  };
}

/**
 * What is wrong with a tenant's text for `key` (by field), or nothing: each part parses, uses only the
 * template's values, places the required ones in the text, and renders with the sample values.
 */
export function problemsOf(key: TemplateKey, version: TemplateText): { field: string; message: string }[] {
  const definition: Definition = DEFINITIONS[key];
  const allowed = new Set([...definition.variables, ...(definition.itemFields ?? [])]);
  const problems: { field: string; message: string }[] = [];
  for (const field of ["subject", "text", "html"] as const) {
    const source = version[field];
    if (source === undefined || source === null) {
      continue;
    }
    try {
      const names = namesOf(source);
      const unknown = [...names].filter((name) => !allowed.has(name));
      if (unknown.length > 0) {
        problems.push({
          field,
          message: `unknown value ${unknown.map((n) => `{{${n}}}`).join(", ")}; this template has ${[...allowed].map((n) => `{{${n}}}`).join(", ")}`,
        });
      }
      if (field === "text") {
        for (const name of definition.required ?? []) {
          if (!names.has(name)) {
            problems.push({ field, message: `must place {{${name}}}` });
          }
        }
      }
    } catch (error) {
      problems.push({ field, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return problems;
}

function namesOf(source: string): Set<string> {
  const names = new Set<string>();
  const walk = (nodes: ReturnType<typeof parse>) => {
    for (const node of nodes) {
      if (node.kind !== "text") {
        names.add(node.name);
      }
      if (node.kind === "section") {
        walk(node.children);
      }
    }
  };
  walk(parse(source));
  return names;
}
