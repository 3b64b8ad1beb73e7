import { emit } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { outbox } from "../db/schema.ts";
import type { ConfigContext } from "../deps.ts";
import { type StoredScope, seriesName } from "./scope.ts";

export interface VersionRow {
  id: string;
  key: string;
  version: number;
  value: { v: unknown };
  effectiveFrom: Date;
  effectiveTo: Date | null;
}

const snapshot = (row: VersionRow) => ({
  id: row.id,
  version: row.version,
  value: row.value.v,
  effectiveFrom: row.effectiveFrom.toISOString(),
  effectiveTo: row.effectiveTo?.toISOString() ?? null,
});

/**
 * Records a new version in the verb's transaction (the outbox): published if and only if it commits.
 * Flags go to the feature-flag topic, settings to the setting topic; the event belongs to the tenant
 * that owns the row (the platform tenant for platform-wide values).
 */
export function publishVersion(
  tx: Tx,
  ctx: ConfigContext,
  kind: "setting" | "flag",
  scope: StoredScope,
  before: VersionRow | undefined,
  after: VersionRow,
) {
  const data = {
    id: after.id,
    key: after.key,
    scope: { level: scope.level, id: scope.scopeId },
    before: before ? snapshot(before) : null,
    after: snapshot(after),
  };
  const common = {
    subject: seriesName(after.key, scope),
    tenantId: scope.tenantId,
    actorId: ctx.principal.userId,
  };
  return kind === "flag"
    ? emit(tx, outbox, { ...common, type: "vextrus.config.feature_flag.changed", data })
    : emit(tx, outbox, { ...common, type: "vextrus.config.setting.changed", data });
}
