import type { ConfigReader } from "@vextrus/config/reader";
import type { BucketLimits, Logger } from "@vextrus/platform";

/** A tenant's own rate, if one is configured; undefined: the gateway's default limits. */
export type TenantLimits = (
  tenantId: string,
  authorization: string,
  requestId: string,
) => BucketLimits | undefined | Promise<BucketLimits | undefined>;

/**
 * Tenant limits from the configuration service's `gateway.rateLimit.perSecond` (set per tenant, or
 * platform-wide, by platform operators only). Only a value that is set counts; the key's default
 * leaves the gateway's own RATE_LIMIT_TENANT_* in charge. The burst is the larger of two seconds'
 * worth and `minBurst` (a full batch must fit). Cached per replica by the reader (a Map lookup once
 * warm); if configuration cannot answer, the default limits apply and the request goes on.
 */
export function configuredTenantLimits(reader: ConfigReader, minBurst: number, log: Logger): TenantLimits {
  const toLimits = (answer: { value: unknown; source: { level: string } }): BucketLimits | undefined => {
    if (answer.source.level === "default" || typeof answer.value !== "number") {
      return undefined;
    }
    return { perSecond: answer.value, burst: Math.max(answer.value * 2, minBurst) };
  };
  return (tenantId, authorization, requestId) => {
    const answer = reader.resolve("gateway.rateLimit.perSecond", { tenantId, authorization, requestId });
    if (!(answer instanceof Promise)) {
      return toLimits(answer);
    }
    return answer.then(toLimits, (error: unknown) => {
      log.warn("tenant rate limit not configured-readable: the default applies", { error: String(error) });
      return undefined;
    });
  };
}
