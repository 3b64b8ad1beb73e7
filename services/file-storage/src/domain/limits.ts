import type { FileContext } from "../deps.ts";

/** The two limits a tenant can have of its own (configuration keys), with the service's defaults. */
export interface TenantLimits {
  maxFileBytes: number;
  tenantQuotaBytes: number;
}

type Answer = { value: unknown; source: { level: string } };

/** A value set at the tenant or platform level; a key's default leaves the service's own in charge. */
const setValue = (answer: Answer, fallback: number) =>
  answer.source.level !== "default" && typeof answer.value === "number" ? answer.value : fallback;

/**
 * The tenant's quota and per-file limit: `files.tenantQuotaBytes` and `files.maxFileBytes` from the
 * configuration service (cached per replica by the reader, fresh on change events: once warm, two
 * Map lookups and no await), else TENANT_QUOTA_BYTES / MAX_FILE_BYTES. A cold cache while
 * configuration cannot answer is UNAVAILABLE: a limit is never guessed.
 */
export function tenantLimits(ctx: FileContext): TenantLimits | Promise<TenantLimits> {
  const { config, limits } = ctx.deps;
  if (!config) {
    return limits;
  }
  const quota = config.resolve("files.tenantQuotaBytes", ctx);
  const max = config.resolve("files.maxFileBytes", ctx);
  const combine = (q: Answer, m: Answer): TenantLimits => ({
    tenantQuotaBytes: setValue(q, limits.tenantQuotaBytes),
    maxFileBytes: setValue(m, limits.maxFileBytes),
  });
  if (!(quota instanceof Promise) && !(max instanceof Promise)) {
    return combine(quota, max);
  }
  return Promise.all([quota, max]).then(([q, m]) => combine(q, m));
}
