import { z } from "zod";
import type { SettingDefinition } from "./define.ts";
import { flags } from "./definitions/flags.ts";
import { organizationSettings } from "./definitions/organization.ts";
import { serviceSettings } from "./definitions/services.ts";

/** Every setting and flag of Vextrus. A key is declared here once, by the service that reads it. */
export const DEFINITIONS = [...organizationSettings, ...serviceSettings, ...flags] as const;

type Definitions = (typeof DEFINITIONS)[number];
export type ConfigKey = Definitions["key"];
export type FlagKey = (typeof flags)[number]["key"];
/** The type of the value of `K`, as its schema outputs it. */
export type ValueOf<K extends ConfigKey> = z.output<Extract<Definitions, { key: K }>["schema"]>;

const byKey = new Map<string, SettingDefinition>(DEFINITIONS.map((d) => [d.key, d]));
if (byKey.size !== DEFINITIONS.length) {
  throw new Error("a config key is declared twice");
}

export const CONFIG_KEYS = DEFINITIONS.map((d) => d.key) as [ConfigKey, ...ConfigKey[]];
export const FLAG_KEYS = flags.map((d) => d.key) as [FlagKey, ...FlagKey[]];

export const definitionOf = (key: string): SettingDefinition | undefined => byKey.get(key);

/** A definition as the API shows it: JSON Schema instead of the zod schema, so a UI can render a form. */
export function describeDefinition(definition: SettingDefinition) {
  return {
    key: definition.key,
    kind: definition.kind,
    description: definition.description,
    permission: definition.permission,
    scopes: [...definition.scopes],
    default: definition.default,
    variants: definition.variants ? [...definition.variants] : null,
    jsonSchema: z.toJSONSchema(definition.schema, { unrepresentable: "any", io: "input" }) as Record<
      string,
      unknown
    >,
  };
}
