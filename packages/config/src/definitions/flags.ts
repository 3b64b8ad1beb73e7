import { defineFlag } from "../flags.ts";

const WRITE = "configuration:flag:write";

/** Features that reach tenants gradually. */
export const flags = [
  defineFlag({
    key: "workflow.flags.parallelApproval",
    description: {
      en: "Approve independent steps of a process in parallel",
      bn: "প্রক্রিয়ার স্বাধীন ধাপগুলো একসাথে অনুমোদন",
    },
    permission: WRITE,
  }),
  defineFlag({
    key: "documents.flags.invoiceLayout",
    description: { en: "Which invoice layout to render", bn: "কোন চালান বিন্যাস তৈরি হবে" },
    permission: WRITE,
    variants: ["classic", "compact", "mushak63"],
    defaultVariant: "classic",
  }),
];
