import { parse, renderTemplate, type Values } from "./engine.ts";
import type { Locale } from "./render.ts";
import { countSegments, type Segments } from "./segments.ts";

/**
 * The text of one template in one language (built in, or a tenant's version), one part per channel:
 * e-mail (`subject`, `text`, `html`), SMS (`sms`) and in-app (`title`, `body`). A tenant's version may
 * leave the SMS out (the built-in SMS is used) and the in-app parts (its mail's subject and text are).
 */
export interface TemplateText {
  subject: string;
  text: string;
  html?: string | null | undefined;
  sms?: string | null | undefined;
  title?: string | null | undefined;
  body?: string | null | undefined;
}

/** A built-in text has every part. */
type BuiltInText = TemplateText & { sms: string; title: string; body: string };

interface Definition {
  /** The values the template is given (a tenant's text may use these and no others). */
  variables: readonly string[];
  /** Values every version must place (a secret link's message without its link is useless). */
  required?: readonly string[];
  /** Fields of each entry of a list value (`{{#items}}{{subject}}{{/items}}`). */
  itemFields?: readonly string[];
  /** Free text values an SMS may shorten (with "...") to stay within SMS_MAX_SEGMENTS. */
  shorten?: readonly string[];
  /** Example values, for a preview and for checking a tenant's text renders. */
  sample: Values;
  text: Record<Locale, BuiltInText>;
}

/** The most segments one SMS of ours takes (a Bengali one: 3 × 67 UCS-2 characters). */
export const SMS_MAX_SEGMENTS = 3;

// Sample links as long as real ones (an SMS must fit with the real link in it).
const LINK = "https://erp.example.com.bd/tasks/0190f3a2-7c4e-7b1a-9d2e-3f4a5b6c7d8e";
const SECRET_LINK =
  "https://erp.example.com.bd/reset-password?token=Qm9vdHN0cmFwLXRva2VuLWV4YW1wbGUtNDMtY2hhcnM";

const DEFINITIONS = {
  contact_changed: {
    variables: ["channel", "previous", "current", "by"],
    shorten: [],
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
        sms: "Vextrus: your {{channel}} was changed from {{previous}} to {{current}} ({{by}}). Not you? Contact your administrator now.",
        title: "Your Vextrus {{channel}} was changed",
        body: "Changed from {{previous}} to {{current}} ({{by}}). If you did not do this, contact your administrator now.",
      },
      bn: {
        subject: "আপনার ভেক্সট্রাস {{channel}} পরিবর্তন করা হয়েছে",
        text: "আপনার ভেক্সট্রাস অ্যাকাউন্টের {{channel}} {{previous}} থেকে {{current}} করা হয়েছে ({{by}})। আপনি এটি না করে থাকলে এখনই আপনার প্রশাসকের সাথে যোগাযোগ করুন।",
        html: "<p>আপনার ভেক্সট্রাস অ্যাকাউন্টের {{channel}} <b>{{previous}}</b> থেকে <b>{{current}}</b> করা হয়েছে ({{by}})।</p><p>আপনি এটি না করে থাকলে এখনই আপনার প্রশাসকের সাথে যোগাযোগ করুন।</p>",
        sms: "ভেক্সট্রাস: আপনার {{channel}} {{previous}} থেকে {{current}} করা হয়েছে ({{by}})। আপনি না করলে প্রশাসককে জানান।",
        title: "আপনার ভেক্সট্রাস {{channel}} পরিবর্তন করা হয়েছে",
        body: "{{previous}} থেকে {{current}} করা হয়েছে ({{by}})। আপনি এটি না করে থাকলে এখনই আপনার প্রশাসকের সাথে যোগাযোগ করুন।",
      },
    },
  },
  task_assigned: {
    variables: ["link", "due", "subject", "amount"],
    required: ["link"],
    shorten: ["subject"],
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
        sms: "Vextrus: a task awaits your approval{{#subject}}: {{subject}}{{/subject}}{{#due}}, due {{due}}{{/due}}. {{link}}",
        title: "A task is waiting for your approval{{#subject}}: {{subject}}{{/subject}}",
        body: "{{#subject}}{{subject}}{{/subject}}{{^subject}}A task{{/subject}}{{#amount}} ({{amount}}){{/amount}}{{#due}}, due {{due}}{{/due}}. Open it: {{link}}",
      },
      bn: {
        subject: "একটি কাজ আপনার অনুমোদনের অপেক্ষায়{{#subject}}: {{subject}}{{/subject}}",
        text: "আপনাকে একটি কাজ দেওয়া হয়েছে{{#subject}}: {{subject}}{{/subject}}{{#amount}} ({{amount}}){{/amount}}{{#due}}, শেষ সময় {{due}}{{/due}}। খুলুন: {{link}}",
        html: '<p>আপনাকে একটি কাজ দেওয়া হয়েছে{{#subject}}: <b>{{subject}}</b>{{/subject}}{{#amount}} ({{amount}}){{/amount}}{{#due}}, শেষ সময় {{due}}{{/due}}।</p><p><a href="{{link}}">খুলুন</a></p>',
        sms: "ভেক্সট্রাস: একটি কাজ আপনার অনুমোদনের অপেক্ষায়{{#subject}}: {{subject}}{{/subject}}। {{link}}",
        title: "একটি কাজ আপনার অনুমোদনের অপেক্ষায়{{#subject}}: {{subject}}{{/subject}}",
        body: "{{#subject}}{{subject}}{{/subject}}{{^subject}}একটি কাজ{{/subject}}{{#amount}} ({{amount}}){{/amount}}{{#due}}, শেষ সময় {{due}}{{/due}}। খুলুন: {{link}}",
      },
    },
  },
  task_escalated: {
    variables: ["link", "subject"],
    required: ["link"],
    shorten: ["subject"],
    sample: { link: LINK, subject: "Cement for Block C" },
    text: {
      en: {
        subject: "An overdue task was escalated to you",
        text: "A task that was not decided in time was escalated to you{{#subject}}: {{subject}}{{/subject}}. Open it: {{link}}",
        sms: "Vextrus: an overdue task was escalated to you{{#subject}}: {{subject}}{{/subject}}. {{link}}",
        title: "An overdue task was escalated to you",
        body: "{{#subject}}{{subject}}{{/subject}}{{^subject}}A task{{/subject}} was not decided in time. Open it: {{link}}",
      },
      bn: {
        subject: "সময়মতো সিদ্ধান্ত না হওয়া একটি কাজ আপনার কাছে পাঠানো হয়েছে",
        text: "সময়মতো সিদ্ধান্ত না হওয়া একটি কাজ আপনার কাছে পাঠানো হয়েছে{{#subject}}: {{subject}}{{/subject}}। খুলুন: {{link}}",
        sms: "ভেক্সট্রাস: সময়মতো সিদ্ধান্ত না হওয়া একটি কাজ আপনার কাছে এসেছে{{#subject}}: {{subject}}{{/subject}}। {{link}}",
        title: "সময়মতো সিদ্ধান্ত না হওয়া একটি কাজ আপনার কাছে পাঠানো হয়েছে",
        body: "{{#subject}}{{subject}}{{/subject}}{{^subject}}একটি কাজ{{/subject}}: সময়মতো সিদ্ধান্ত হয়নি। খুলুন: {{link}}",
      },
    },
  },
  process_approved: {
    variables: ["link", "subject", "amount"],
    shorten: ["subject"],
    sample: { link: LINK, subject: "Cement for Block C", amount: "৳12,50,000.00" },
    text: {
      en: {
        subject: "Approved: {{subject}}",
        text: "Your request {{subject}}{{#amount}} ({{amount}}){{/amount}} was approved. {{link}}",
        sms: "Vextrus: approved: {{subject}}{{#amount}} ({{amount}}){{/amount}}. {{link}}",
        title: "Approved: {{subject}}",
        body: "Your request {{subject}}{{#amount}} ({{amount}}){{/amount}} was approved. {{link}}",
      },
      bn: {
        subject: "অনুমোদিত: {{subject}}",
        text: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} অনুমোদিত হয়েছে। {{link}}",
        sms: "ভেক্সট্রাস: অনুমোদিত: {{subject}}{{#amount}} ({{amount}}){{/amount}}। {{link}}",
        title: "অনুমোদিত: {{subject}}",
        body: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} অনুমোদিত হয়েছে। {{link}}",
      },
    },
  },
  process_rejected: {
    variables: ["link", "subject", "amount", "comment"],
    shorten: ["comment", "subject"],
    sample: { link: LINK, subject: "Cement for Block C", amount: "৳12,50,000.00", comment: "Over budget" },
    text: {
      en: {
        subject: "Rejected: {{subject}}",
        text: "Your request {{subject}}{{#amount}} ({{amount}}){{/amount}} was rejected{{#comment}}: {{comment}}{{/comment}}. {{link}}",
        sms: "Vextrus: rejected: {{subject}}{{#comment}} ({{comment}}){{/comment}}. {{link}}",
        title: "Rejected: {{subject}}",
        body: "Your request {{subject}}{{#amount}} ({{amount}}){{/amount}} was rejected{{#comment}}: {{comment}}{{/comment}}. {{link}}",
      },
      bn: {
        subject: "প্রত্যাখ্যাত: {{subject}}",
        text: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} প্রত্যাখ্যাত হয়েছে{{#comment}}: {{comment}}{{/comment}}। {{link}}",
        sms: "ভেক্সট্রাস: প্রত্যাখ্যাত: {{subject}}{{#comment}} ({{comment}}){{/comment}}। {{link}}",
        title: "প্রত্যাখ্যাত: {{subject}}",
        body: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} প্রত্যাখ্যাত হয়েছে{{#comment}}: {{comment}}{{/comment}}। {{link}}",
      },
    },
  },
  process_returned: {
    variables: ["link", "subject", "amount", "comment"],
    required: ["link"],
    shorten: ["comment", "subject"],
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
        sms: "Vextrus: returned for changes: {{subject}}{{#comment}} ({{comment}}){{/comment}}. {{link}}",
        title: "Returned for changes: {{subject}}",
        body: "Your request {{subject}}{{#amount}} ({{amount}}){{/amount}} was returned for changes{{#comment}}: {{comment}}{{/comment}}. Change and resubmit it: {{link}}",
      },
      bn: {
        subject: "সংশোধনের জন্য ফেরত: {{subject}}",
        text: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} সংশোধনের জন্য ফেরত পাঠানো হয়েছে{{#comment}}: {{comment}}{{/comment}}। সংশোধন করে আবার জমা দিন: {{link}}",
        sms: "ভেক্সট্রাস: সংশোধনের জন্য ফেরত: {{subject}}{{#comment}} ({{comment}}){{/comment}}। {{link}}",
        title: "সংশোধনের জন্য ফেরত: {{subject}}",
        body: "আপনার অনুরোধ {{subject}}{{#amount}} ({{amount}}){{/amount}} সংশোধনের জন্য ফেরত পাঠানো হয়েছে{{#comment}}: {{comment}}{{/comment}}। সংশোধন করে আবার জমা দিন: {{link}}",
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
        sms: "Vextrus: {{count}} messages for you on {{date}}. {{link}}",
        title: "Your Vextrus digest for {{date}}: {{count}} messages",
        body: "{{#items}}{{time}} {{subject}}\n{{/items}}{{^items}}Nothing new.{{/items}}",
      },
      bn: {
        subject: "{{date}} তারিখের ভেক্সট্রাস সারসংক্ষেপ: {{count}}টি বার্তা",
        text: "{{date}} তারিখে আপনার জন্য {{count}}টি বার্তা:\n{{#items}}- {{time}} {{subject}}\n{{/items}}{{^items}}নতুন কিছু নেই।\n{{/items}}ভেক্সট্রাস খুলুন: {{link}}",
        html: '<p>{{date}} তারিখে আপনার জন্য {{count}}টি বার্তা:</p><ul>{{#items}}<li>{{time}} {{subject}}</li>{{/items}}</ul><p><a href="{{link}}">ভেক্সট্রাস খুলুন</a></p>',
        sms: "ভেক্সট্রাস: {{date}} তারিখে আপনার {{count}}টি বার্তা। {{link}}",
        title: "{{date}} তারিখের ভেক্সট্রাস সারসংক্ষেপ: {{count}}টি বার্তা",
        body: "{{#items}}{{time}} {{subject}}\n{{/items}}{{^items}}নতুন কিছু নেই।{{/items}}",
      },
    },
  },
  document_sent: {
    variables: ["sender", "files", "note"],
    itemFields: ["name"],
    shorten: ["note", "sender"],
    sample: {
      sender: "Rahim Uddin",
      files: [{ name: "mushak-6.3-INV-2026-0001.pdf" }],
      note: "Please find the VAT invoice attached.",
    },
    text: {
      en: {
        subject: "Documents from {{sender}}",
        text: "{{sender}} sent you these files from Vextrus (attached):\n{{#files}}- {{name}}\n{{/files}}{{#note}}\n{{note}}\n{{/note}}",
        html: "<p>{{sender}} sent you these files from Vextrus (attached):</p><ul>{{#files}}<li>{{name}}</li>{{/files}}</ul>{{#note}}<p>{{note}}</p>{{/note}}",
        sms: "Vextrus: {{sender}} e-mailed you documents{{#note}}: {{note}}{{/note}}",
        title: "Documents from {{sender}}",
        body: "{{sender}} sent you {{#files}}{{name}} {{/files}}by e-mail.{{#note}} {{note}}{{/note}}",
      },
      bn: {
        subject: "{{sender}}-এর পাঠানো নথি",
        text: "{{sender}} আপনাকে ভেক্সট্রাস থেকে এই ফাইলগুলো পাঠিয়েছেন (সংযুক্ত):\n{{#files}}- {{name}}\n{{/files}}{{#note}}\n{{note}}\n{{/note}}",
        html: "<p>{{sender}} আপনাকে ভেক্সট্রাস থেকে এই ফাইলগুলো পাঠিয়েছেন (সংযুক্ত):</p><ul>{{#files}}<li>{{name}}</li>{{/files}}</ul>{{#note}}<p>{{note}}</p>{{/note}}",
        sms: "ভেক্সট্রাস: {{sender}} আপনাকে ই-মেইলে নথি পাঠিয়েছেন{{#note}}: {{note}}{{/note}}",
        title: "{{sender}}-এর পাঠানো নথি",
        body: "{{sender}} আপনাকে ই-মেইলে পাঠিয়েছেন: {{#files}}{{name}} {{/files}}{{#note}} {{note}}{{/note}}",
      },
    },
  },
  invitation: {
    variables: ["link", "expires"],
    required: ["link"],
    sample: { link: SECRET_LINK, expires: "16 Jun 2026, 12:00 (BST)" },
    text: {
      en: {
        subject: "You are invited to Vextrus",
        text: "You were invited to your company's Vextrus workspace. Set your password here (the link works once, until {{expires}}): {{link}}",
        html: '<p>You were invited to your company\'s Vextrus workspace.</p><p><a href="{{link}}">Set your password</a> (the link works once, until {{expires}}).</p>',
        sms: "Vextrus: you are invited. Set your password (once, until {{expires}}): {{link}}",
        title: "You are invited to Vextrus",
        body: "Set your password with the link sent to you (it works once, until {{expires}}).",
      },
      bn: {
        subject: "ভেক্সট্রাসে আপনাকে আমন্ত্রণ জানানো হয়েছে",
        text: "আপনার প্রতিষ্ঠানের ভেক্সট্রাস ওয়ার্কস্পেসে আপনাকে আমন্ত্রণ জানানো হয়েছে। এখানে আপনার পাসওয়ার্ড ঠিক করুন (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত): {{link}}",
        html: '<p>আপনার প্রতিষ্ঠানের ভেক্সট্রাস ওয়ার্কস্পেসে আপনাকে আমন্ত্রণ জানানো হয়েছে।</p><p><a href="{{link}}">পাসওয়ার্ড ঠিক করুন</a> (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত)।</p>',
        sms: "ভেক্সট্রাসে আমন্ত্রণ। পাসওয়ার্ড ঠিক করুন ({{expires}} পর্যন্ত, একবার): {{link}}",
        title: "ভেক্সট্রাসে আপনাকে আমন্ত্রণ জানানো হয়েছে",
        body: "আপনাকে পাঠানো লিংকে পাসওয়ার্ড ঠিক করুন (একবারই কাজ করবে, {{expires}} পর্যন্ত)।",
      },
    },
  },
  password_reset: {
    variables: ["link", "expires"],
    required: ["link"],
    sample: { link: SECRET_LINK, expires: "15 Jun 2026, 12:30 (BST)" },
    text: {
      en: {
        subject: "Reset your Vextrus password",
        text: "Someone asked to reset the password of your Vextrus account. If it was you, choose a new one here (the link works once, until {{expires}}): {{link}} If it was not you, ignore this message: your password stays as it is.",
        html: '<p>Someone asked to reset the password of your Vextrus account.</p><p>If it was you, <a href="{{link}}">choose a new password</a> (the link works once, until {{expires}}).</p><p>If it was not you, ignore this message: your password stays as it is.</p>',
        sms: "Vextrus password reset (once, until {{expires}}): {{link}} Not you? Ignore this.",
        title: "Reset your Vextrus password",
        body: "A link to reset your password was sent (it works once, until {{expires}}). If it was not you, ignore it.",
      },
      bn: {
        subject: "আপনার ভেক্সট্রাস পাসওয়ার্ড পুনরায় ঠিক করুন",
        text: "আপনার ভেক্সট্রাস অ্যাকাউন্টের পাসওয়ার্ড পুনরায় ঠিক করার অনুরোধ করা হয়েছে। আপনি করে থাকলে এখানে নতুন পাসওয়ার্ড দিন (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত): {{link}} আপনি না করে থাকলে এই বার্তাটি উপেক্ষা করুন: আপনার পাসওয়ার্ড যেমন আছে তেমনই থাকবে।",
        html: '<p>আপনার ভেক্সট্রাস অ্যাকাউন্টের পাসওয়ার্ড পুনরায় ঠিক করার অনুরোধ করা হয়েছে।</p><p>আপনি করে থাকলে <a href="{{link}}">নতুন পাসওয়ার্ড দিন</a> (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত)।</p><p>আপনি না করে থাকলে এই বার্তাটি উপেক্ষা করুন: আপনার পাসওয়ার্ড যেমন আছে তেমনই থাকবে।</p>',
        sms: "ভেক্সট্রাস পাসওয়ার্ড রিসেট ({{expires}} পর্যন্ত, একবার): {{link}} আপনি না চাইলে উপেক্ষা করুন।",
        title: "আপনার ভেক্সট্রাস পাসওয়ার্ড পুনরায় ঠিক করুন",
        body: "পাসওয়ার্ড রিসেটের লিংক পাঠানো হয়েছে (একবারই কাজ করবে, {{expires}} পর্যন্ত)। আপনি না চাইলে উপেক্ষা করুন।",
      },
    },
  },
  contact_verification: {
    variables: ["link", "expires"],
    required: ["link"],
    sample: { link: SECRET_LINK, expires: "16 Jun 2026, 12:00 (BST)" },
    text: {
      en: {
        subject: "Confirm this address for Vextrus",
        text: "Confirm that this address belongs to your Vextrus account (the link works once, until {{expires}}): {{link}}",
        html: '<p>Confirm that this address belongs to your Vextrus account: <a href="{{link}}">confirm</a> (the link works once, until {{expires}}).</p>',
        sms: "Vextrus: confirm this number (once, until {{expires}}): {{link}}",
        title: "Confirm this address for Vextrus",
        body: "A confirmation link was sent to the address (it works once, until {{expires}}).",
      },
      bn: {
        subject: "ভেক্সট্রাসের জন্য এই ঠিকানাটি নিশ্চিত করুন",
        text: "এই ঠিকানাটি আপনার ভেক্সট্রাস অ্যাকাউন্টের কিনা তা নিশ্চিত করুন (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত): {{link}}",
        html: '<p>এই ঠিকানাটি আপনার ভেক্সট্রাস অ্যাকাউন্টের কিনা তা নিশ্চিত করুন: <a href="{{link}}">নিশ্চিত করুন</a> (লিংকটি একবারই কাজ করবে, {{expires}} পর্যন্ত)।</p>',
        sms: "ভেক্সট্রাস: এই নম্বরটি নিশ্চিত করুন ({{expires}} পর্যন্ত, একবার): {{link}}",
        title: "ভেক্সট্রাসের জন্য এই ঠিকানাটি নিশ্চিত করুন",
        body: "ঠিকানায় একটি নিশ্চিতকরণ লিংক পাঠানো হয়েছে (একবারই কাজ করবে, {{expires}} পর্যন্ত)।",
      },
    },
  },
} as const satisfies Record<string, Definition>;

export type TemplateKey = keyof typeof DEFINITIONS;
export const TEMPLATE_KEYS = Object.keys(DEFINITIONS) as [TemplateKey, ...TemplateKey[]];

export const definitionOf = (key: TemplateKey): Definition => DEFINITIONS[key];
export const builtInText = (key: TemplateKey, locale: Locale): BuiltInText => DEFINITIONS[key].text[locale];

/** Every part of a text as messages use it (a tenant's version completed as `renderFor` completes it). */
export const completeText = (key: TemplateKey, locale: Locale, version?: TemplateText): BuiltInText =>
  partsOf(key, locale, version);

/** A message as one channel carries it: e-mail (subject, text, HTML), SMS (text), in-app (title, body). */
export interface Rendered {
  subject: string;
  text: string;
  html: string | null;
  /** SMS only: how the text is encoded and how many segments (the cost unit) it takes. */
  segments?: Segments;
}

export type Part = "email" | "sms" | "in_app";

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** The text of every part: the tenant's version where it has one, else the built-in text. */
const partsOf = (key: TemplateKey, locale: Locale, version?: TemplateText): BuiltInText => {
  const builtIn: BuiltInText = DEFINITIONS[key].text[locale];
  if (!version) {
    return builtIn;
  }
  return {
    subject: version.subject,
    text: version.text,
    html: version.html ?? null,
    sms: version.sms ?? builtIn.sms,
    // Left out, the in-app message is the tenant's mail (subject and text), not the built-in wording.
    title: version.title ?? version.subject,
    body: version.body ?? version.text,
  };
};

/** The e-mail of `key` in `locale` with `values`: the tenant's version when given, else the built-in text. */
export function render(key: TemplateKey, locale: Locale, values: Values, version?: TemplateText): Rendered {
  return renderFor("email", key, locale, values, version);
}

/**
 * `key` as `channel` carries it. An SMS is one line within SMS_MAX_SEGMENTS: when the values make it
 * longer, the template's free-text values (a process subject, a comment) are shortened with "...", so
 * the link and the fixed words survive; in-app is a title and a plain body.
 */
export function renderFor(
  channel: Part,
  key: TemplateKey,
  locale: Locale,
  values: Values,
  version?: TemplateText,
): Rendered {
  const t = partsOf(key, locale, version);
  if (channel === "email") {
    return {
      subject: oneLine(renderTemplate(t.subject, values)),
      text: renderTemplate(t.text, values),
      html: t.html ? renderTemplate(t.html, values, true) : null,
    };
  }
  const title = oneLine(renderTemplate(t.title, values));
  if (channel === "in_app") {
    return { subject: title, text: renderTemplate(t.body, values).trim(), html: null };
  }
  const definition: Definition = DEFINITIONS[key];
  const sms = fitSms(t.sms, values, definition.shorten ?? []);
  return { subject: title, text: sms.text, html: null, segments: sms.segments };
}

/** Characters (septets or UTF-16 units) `segments` SMS segments hold in `encoding`. */
const capacity = (encoding: Segments["encoding"], segments: number) =>
  encoding === "GSM-7" ? (segments === 1 ? 160 : 153 * segments) : segments === 1 ? 70 : 67 * segments;

/**
 * Renders an SMS within SMS_MAX_SEGMENTS: shortens the longest of `shorten`'s values until it fits;
 * `cut` when even that was not enough and the text itself was cut at the end (never for a built-in
 * or checked tenant text with values of the usual size).
 */
export function fitSms(
  source: string,
  values: Values,
  shorten: readonly string[],
  max = SMS_MAX_SEGMENTS,
): { text: string; segments: Segments; cut: boolean } {
  let current: Record<string, Values[string]> = { ...values };
  let text = oneLine(renderTemplate(source, current));
  let segments = countSegments(text);
  for (let round = 0; segments.segments > max && round < 2 * shorten.length + 2; round++) {
    const over = segments.units - capacity(segments.encoding, max);
    const longest = shorten
      .map((name) => ({ name, value: current[name] }))
      .filter((v): v is { name: string; value: string } => typeof v.value === "string" && v.value.length > 0)
      .sort((a, b) => b.value.length - a.value.length)[0];
    if (!longest) {
      break;
    }
    const keep = Math.max(0, longest.value.length - over - 3);
    current = { ...current, [longest.name]: keep > 0 ? `${longest.value.slice(0, keep).trimEnd()}...` : "" };
    text = oneLine(renderTemplate(source, current));
    segments = countSegments(text);
  }
  if (segments.segments <= max) {
    return { text, segments, cut: false };
  }
  // The last resort: cut the text's end (a GSM-7 extension character takes two septets, an emoji two units).
  const chars = Array.from(text).slice(0, capacity(segments.encoding, max));
  while (chars.length > 0 && countSegments(chars.join("")).segments > max) {
    chars.pop();
  }
  const final = chars.join("");
  return { text: final, segments: countSegments(final), cut: true };
}

/**
 * What is wrong with a tenant's text for `key` (by field), or nothing: each part parses, uses only the
 * template's values, places the required ones in the e-mail text and the SMS, and the SMS fits in
 * SMS_MAX_SEGMENTS with the sample values.
 */
export function problemsOf(key: TemplateKey, version: TemplateText): { field: string; message: string }[] {
  const definition: Definition = DEFINITIONS[key];
  const allowed = new Set([...definition.variables, ...(definition.itemFields ?? [])]);
  const problems: { field: string; message: string }[] = [];
  for (const field of ["subject", "text", "html", "sms", "title", "body"] as const) {
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
      if (field === "text" || field === "sms") {
        for (const name of definition.required ?? []) {
          if (!names.has(name)) {
            problems.push({ field, message: `must place {{${name}}}` });
          }
        }
      }
      if (field === "sms" && fitSms(source, definition.sample, definition.shorten ?? []).cut) {
        problems.push({
          field,
          message: `longer than ${SMS_MAX_SEGMENTS} SMS segments (${SMS_MAX_SEGMENTS * 153} GSM-7 or ${SMS_MAX_SEGMENTS * 67} Unicode characters, Bengali included) with the sample values`,
        });
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
