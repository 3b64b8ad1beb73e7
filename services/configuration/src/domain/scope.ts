import type { ScopeLevel } from "@vextrus/config";
import { PLATFORM_TENANT_ID } from "@vextrus/events";
import { z } from "zod";

/**
 * Where a value is set (and whose history is read): one scope. Company first: it is the usual
 * target, and what generated suites probe.
 */
export const Target = z.discriminatedUnion("level", [
  z.strictObject({ level: z.literal("company"), companyId: z.uuid() }),
  z.strictObject({ level: z.literal("branch"), branchId: z.uuid() }),
  z.strictObject({ level: z.literal("department"), departmentId: z.uuid() }),
  z.strictObject({ level: z.literal("user"), userId: z.uuid() }),
  z.strictObject({ level: z.literal("tenant") }),
  z.strictObject({ level: z.literal("platform") }),
]);
export type Target = z.infer<typeof Target>;

/** Who is asking, as narrow as known: a resolution walks user → department → branch → company → tenant → platform. */
export const Context = z
  .strictObject({
    companyId: z.uuid().optional(),
    branchId: z.uuid().optional(),
    departmentId: z.uuid().optional(),
    userId: z.uuid().optional(),
  })
  .default({});
export type Context = z.infer<typeof Context>;

/** A scope as stored: the tenant that owns the row, its level and the id at that level. */
export interface StoredScope {
  tenantId: string;
  level: ScopeLevel;
  scopeId: string;
}

/** The stored scope a target names for the caller's tenant (platform values belong to the platform tenant). */
export function storedScope(tenantId: string, target: Target): StoredScope {
  switch (target.level) {
    case "platform":
      return { tenantId: PLATFORM_TENANT_ID, level: "platform", scopeId: PLATFORM_TENANT_ID };
    case "tenant":
      return { tenantId, level: "tenant", scopeId: tenantId };
    case "company":
      return { tenantId, level: "company", scopeId: target.companyId };
    case "branch":
      return { tenantId, level: "branch", scopeId: target.branchId };
    case "department":
      return { tenantId, level: "department", scopeId: target.departmentId };
    case "user":
      return { tenantId, level: "user", scopeId: target.userId };
  }
}

/** Every stored scope a resolution for `context` looks at, widest first. */
export function chainOf(tenantId: string, context: Context): StoredScope[] {
  const chain: StoredScope[] = [
    storedScope(tenantId, { level: "platform" }),
    storedScope(tenantId, { level: "tenant" }),
  ];
  if (context.companyId) {
    chain.push({ tenantId, level: "company", scopeId: context.companyId });
  }
  if (context.branchId) {
    chain.push({ tenantId, level: "branch", scopeId: context.branchId });
  }
  if (context.departmentId) {
    chain.push({ tenantId, level: "department", scopeId: context.departmentId });
  }
  if (context.userId) {
    chain.push({ tenantId, level: "user", scopeId: context.userId });
  }
  return chain;
}

/** The series a version belongs to, as events name it (their subject and Kafka key). */
export const seriesName = (key: string, scope: StoredScope) => `${key}@${scope.level}:${scope.scopeId}`;
