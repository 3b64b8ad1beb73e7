import { z } from "zod";
import { v1 } from "./common.ts";

export const configSettingEvents = {
  "vextrus.config.setting.changed": v1(
    z.looseObject({ key: z.string().min(1), before: z.unknown().optional(), after: z.unknown() }),
  ),
} as const;

export const configFeatureFlagEvents = {
  "vextrus.config.feature_flag.toggled": v1(z.looseObject({ key: z.string().min(1), enabled: z.boolean() })),
} as const;
