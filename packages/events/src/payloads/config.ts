import { z } from "zod";
import { IsoTime, v1 } from "./common.ts";

const Scope = z.looseObject({
  level: z.enum(["platform", "tenant", "company", "branch", "department", "user"]),
  id: z.uuid(),
});

/** One immutable version of a value: what it was set to and when it applies. */
const Version = z.looseObject({
  id: z.uuid(),
  version: z.number().int().min(1),
  value: z.unknown(),
  effectiveFrom: IsoTime,
  effectiveTo: IsoTime.nullable(),
});

/**
 * A new version of a key's value at a scope, with the version it follows (null for the first), so the
 * audit log shows who changed what, before and after. The subject is the series `<key>@<level>:<id>`.
 */
const ValueChanged = z.looseObject({
  id: z.uuid(),
  key: z.string().min(1).max(200),
  scope: Scope,
  before: Version.nullable(),
  after: Version,
});

export const configSettingEvents = {
  "vextrus.config.setting.changed": v1(ValueChanged),
} as const;

/** A flag's rule (who gets which variant) changed; same shape as a setting change. */
export const configFeatureFlagEvents = {
  "vextrus.config.feature_flag.changed": v1(ValueChanged),
} as const;
