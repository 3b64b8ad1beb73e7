import { SCOPE_LEVELS, type ScopeLevel, type SettingDefinition } from "./define.ts";

/** One stored version of a value at one scope. */
export interface StoredValue {
  id: string;
  key: string;
  scopeLevel: ScopeLevel;
  scopeId: string;
  version: number;
  value: unknown;
  effectiveFrom: Date;
  effectiveTo: Date | null;
}

/** Where a resolved value came from: a stored version at a scope, or the definition's default. */
export type Provenance =
  | { level: "default" }
  | {
      level: ScopeLevel;
      scopeId: string;
      version: number;
      valueId: string;
      effectiveFrom: Date;
      effectiveTo: Date | null;
    };

export interface Resolution {
  key: string;
  value: unknown;
  source: Provenance;
  /** The next instant at which the answer may change by dating alone (null: not before a new change). */
  validUntil: Date | null;
}

const rank = (level: ScopeLevel) => SCOPE_LEVELS.indexOf(level);

const appliesAt = (row: StoredValue, at: Date) =>
  row.effectiveFrom.getTime() <= at.getTime() && (row.effectiveTo === null || row.effectiveTo > at);

/**
 * The value of `definition` at `at`, from the stored versions of its scope chain: the narrowest
 * scope with a version in force wins; within a scope the highest version in force wins (a later
 * version overrides an earlier one for the instants both cover). Nothing in force: the default.
 */
export function pickValue(definition: SettingDefinition, rows: readonly StoredValue[], at: Date): Resolution {
  let winner: StoredValue | undefined;
  let validUntil: number | null = null;
  for (const row of rows) {
    for (const edge of [row.effectiveFrom.getTime(), row.effectiveTo?.getTime()]) {
      if (edge !== undefined && edge > at.getTime() && (validUntil === null || edge < validUntil)) {
        validUntil = edge;
      }
    }
    if (!appliesAt(row, at)) {
      continue;
    }
    if (
      !winner ||
      rank(row.scopeLevel) > rank(winner.scopeLevel) ||
      (row.scopeLevel === winner.scopeLevel && row.version > winner.version)
    ) {
      winner = row;
    }
  }
  const until = validUntil === null ? null : new Date(validUntil);
  if (!winner) {
    return {
      key: definition.key,
      value: definition.default,
      source: { level: "default" },
      validUntil: until,
    };
  }
  return {
    key: definition.key,
    value: winner.value,
    source: {
      level: winner.scopeLevel,
      scopeId: winner.scopeId,
      version: winner.version,
      valueId: winner.id,
      effectiveFrom: winner.effectiveFrom,
      effectiveTo: winner.effectiveTo,
    },
    validUntil: until,
  };
}
