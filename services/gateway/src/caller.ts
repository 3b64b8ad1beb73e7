/**
 * What the gateway reads about a caller: a request id, an address and a tenant hint. None of it is
 * trusted for anything but picking a rate-limit bucket and a log line; services verify tokens.
 */

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's `x-request-id` when it is a sane token, else a new UUIDv7 (same rule as the services). */
export function requestIdFrom(header: string | undefined): string {
  return header && REQUEST_ID.test(header) ? header : Bun.randomUUIDv7();
}

/**
 * The `tid` claim of a bearer JWT, read WITHOUT verifying the signature. It only chooses the tenant's
 * rate-limit bucket: a forged claim spends someone else's budget at worst, and still pays the
 * per-address limit; every service verifies the token itself.
 */
export function unverifiedTenant(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith("Bearer ")) {
    return undefined;
  }
  const payload = authorization.slice(7).trim().split(".")[1];
  if (!payload || payload.length > 4_096) {
    return undefined;
  }
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { tid?: unknown };
    return typeof claims.tid === "string" && UUID.test(claims.tid) ? claims.tid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `unverifiedTenant`, remembered per Authorization header: a client sends the same token for its
 * whole lifetime, so the decode runs once per token. Bounded: the memory is cleared when full.
 */
export function tenantHints(capacity = 4096): (authorization: string | null) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (authorization) => {
    if (!authorization) {
      return undefined;
    }
    if (known.has(authorization)) {
      return known.get(authorization);
    }
    if (known.size >= capacity) {
      known.clear();
    }
    const tenant = unverifiedTenant(authorization);
    known.set(authorization, tenant);
    return tenant;
  };
}
