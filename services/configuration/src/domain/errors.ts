import { bdMessage } from "@vextrus/bd";
import type { SettingDefinition } from "@vextrus/config";
import { AppError, hasPermission, invalidField } from "@vextrus/platform";
import type { z } from "zod";
import type { ConfigContext } from "../deps.ts";

/** Platform-wide values (every tenant reads them) are set by platform operators only. */
export const PLATFORM_WRITE = "platform:config:write";

export function requirePermission(ctx: ConfigContext, permission: string) {
  if (!hasPermission(ctx.principal.permissions, permission)) {
    throw new AppError("FORBIDDEN", "auth.permission.missing", {
      en: `You need the permission ${permission}`,
      bn: `এর জন্য ${permission} অনুমতি প্রয়োজন`,
    });
  }
}

/** A value its key's schema refuses: 400 on `value`, naming the key and what is wrong, in both languages. */
export function invalidValue(definition: SettingDefinition, issues: readonly z.core.$ZodIssue[]): AppError {
  const first = issues[0];
  const where = (issue: z.core.$ZodIssue) => (issue.path.length > 0 ? ` (${issue.path.join(".")})` : "");
  const en = first ? `${bdMessage(first, "en")}${where(first)}` : "invalid";
  const bn = first ? `${bdMessage(first, "bn")}${where(first)}` : "সঠিক নয়";
  return invalidField("value", "configuration.value.invalid", {
    en: `Not a valid value for ${definition.key}: ${en}`,
    bn: `${definition.key}-এর জন্য মানটি সঠিক নয়: ${bn}`,
  });
}

export const scopeNotAllowed = (definition: SettingDefinition, level: string) =>
  invalidField("scope.level", "configuration.scope.not_allowed", {
    en: `${definition.key} cannot be set per ${level}; it can be set per ${definition.scopes.join(", ")}`,
    bn: `${definition.key} ${level} অনুযায়ী নির্ধারণ করা যায় না; নির্ধারণ করা যায়: ${definition.scopes.join(", ")}`,
  });

export const staleVersion = (key: string, current: number | undefined) =>
  new AppError("CONFLICT", "configuration.value.stale", {
    en: `${key} was changed by someone else${current === undefined ? "" : ` (it is at version ${current})`}; reload and try again`,
    bn: `${key} অন্য কেউ পরিবর্তন করেছেন${current === undefined ? "" : ` (এখন সংস্করণ ${current})`}; পুনরায় লোড করে আবার চেষ্টা করুন`,
  });

export const emptyRange = () =>
  invalidField("effectiveTo", "configuration.value.empty_range", {
    en: "effectiveTo must be later than effectiveFrom",
    bn: "effectiveTo অবশ্যই effectiveFrom-এর পরে হতে হবে",
  });
