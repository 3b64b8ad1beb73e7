export { defineSetting, SCOPE_LEVELS, type ScopeLevel, type SettingDefinition, type Text } from "./define.ts";
export {
  bucketOf,
  defineFlag,
  evaluateFlag,
  type FlagContext,
  type FlagEvaluation,
  type FlagReason,
  FlagRule,
} from "./flags.ts";
export {
  CONFIG_KEYS,
  type ConfigKey,
  DEFINITIONS,
  definitionOf,
  describeDefinition,
  FLAG_KEYS,
  type FlagKey,
  type ValueOf,
} from "./registry.ts";
export { type Provenance, pickValue, type Resolution, type StoredValue } from "./resolve.ts";
