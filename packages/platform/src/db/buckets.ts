/**
 * Token buckets in PostgreSQL, for limits that must hold across replicas (a tenant's API budget at the
 * gateway, sign-ups per address at auth). Each service keeps its own table (in its own schema) with
 * the columns `key text primary key`, `tokens double precision`, `at timestamptz` (`bucketColumns`).
 * One upsert refills a key's bucket by the time passed and takes the cost only if it is there, under
 * the row lock, so concurrent replicas queue on the row and never overspend.
 */
import { type SQL, sql } from "drizzle-orm";
import { doublePrecision, type PgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { BucketLimits } from "../rate-limit.ts";
import { type Database, rowsOf } from "./types.ts";

/** The columns of a bucket table: `schema.table("rate_buckets", bucketColumns())`. */
export const bucketColumns = () => ({
  key: text("key").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
});

export interface SharedBuckets {
  /** Takes `cost` tokens from `key`: 0 when allowed, else the seconds to wait (≥ 1). */
  take(key: string, cost: number, limits: BucketLimits): Promise<number>;
  /** Gives back tokens taken for a request another limit then refused. */
  refund(key: string, cost: number, limits: BucketLimits): Promise<void>;
}

export function sharedBuckets(db: Database, table: PgTable): SharedBuckets {
  const refilled = (limits: BucketLimits): SQL =>
    sql`least(${limits.burst}::float8, b.tokens + extract(epoch from clock_timestamp() - b.at) * ${limits.perSecond}::float8)`;
  return {
    async take(key, cost, limits) {
      if (limits.perSecond <= 0) {
        return 0;
      }
      return db.privileged(async (tx) => {
        const taken = await tx.execute(sql`
          insert into ${table} as b (key, tokens, at)
          values (${key}, ${limits.burst}::float8 - ${cost}::float8, clock_timestamp())
          on conflict (key) do update
            set tokens = ${refilled(limits)} - ${cost}::float8, at = clock_timestamp()
            where ${refilled(limits)} >= ${cost}::float8
          returning b.tokens`);
        if (rowsOf(taken).length > 0) {
          return 0;
        }
        const left = await tx.execute(
          sql`select ${refilled(limits)} as available from ${table} b where b.key = ${key}`,
        );
        const available = Number(rowsOf<{ available: number }>(left)[0]?.available ?? 0);
        return Math.max(1, Math.ceil((cost - available) / limits.perSecond));
      });
    },
    async refund(key, cost, limits) {
      await db.privileged((tx) =>
        tx.execute(
          sql`update ${table} set tokens = least(${limits.burst}::float8, tokens + ${cost}::float8) where key = ${key}`,
        ),
      );
    },
  };
}
