import type { z } from "zod";

/** Where a value can be set, from the widest to the narrowest; the narrowest set value wins. */
export const SCOPE_LEVELS = ["platform", "tenant", "company", "branch", "department", "user"] as const;
export type ScopeLevel = (typeof SCOPE_LEVELS)[number];

export interface Text {
  en: string;
  bn: string;
}

/** A setting declared in code: its type (a zod schema), default, who may change it and where. */
export interface SettingDefinition<Schema extends z.ZodType = z.ZodType> {
  kind: "setting" | "flag";
  key: string;
  schema: Schema;
  default: z.output<Schema>;
  description: Text;
  /** The permission a caller needs to set it (besides `configuration:value:write`). */
  permission: string;
  scopes: readonly ScopeLevel[];
  /** Flags only: the variants the flag can serve (`["on", "off"]` for a boolean flag). */
  variants?: readonly string[];
}

const KEY = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){1,4}$/;

/** Declares a setting; the default must satisfy the schema (checked once, at import). */
export function defineSetting<const Key extends string, Schema extends z.ZodType>(
  definition: Omit<SettingDefinition<Schema>, "kind" | "variants" | "key"> & { key: Key },
): SettingDefinition<Schema> & { key: Key } {
  if (!KEY.test(definition.key)) {
    throw new Error(`config key "${definition.key}" is not service.dotted.camelCase`);
  }
  if (!definition.schema.safeParse(definition.default).success) {
    throw new Error(`config key "${definition.key}": its default does not satisfy its schema`);
  }
  if (definition.scopes.length === 0) {
    throw new Error(`config key "${definition.key}" allows no scope`);
  }
  return { kind: "setting", ...definition };
}
