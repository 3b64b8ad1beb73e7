import { type Database, sharedBuckets } from "@vextrus/platform/db";
import { rateBuckets } from "../db/schema.ts";

/** A per-address budget: `take` answers 0 when allowed, else the seconds to wait. */
export interface AddressLimit {
  take(address: string): Promise<number>;
}

/**
 * `perHour` requests per address (all at once, then refilled evenly over the hour), counted in
 * `auth.rate_buckets` so every auth replica draws on the same budget. 0: no limit.
 */
export function hourlyAddressLimit(db: Database, name: string, perHour: number): AddressLimit {
  const buckets = sharedBuckets(db, rateBuckets);
  const limits = { perSecond: perHour / 3_600, burst: perHour };
  return { take: (address) => buckets.take(`${name}:${address}`, 1, limits) };
}
