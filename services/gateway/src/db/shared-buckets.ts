/**
 * The gateway's shared token buckets (`gateway.rate_buckets`): every gateway replica draws a tenant's
 * budget from the same row (RATE_LIMIT_TENANT_SHARED). The SQL is the platform's (`sharedBuckets`).
 */
import { sharedBuckets as bucketsIn, type Database, type SharedBuckets } from "@vextrus/platform/db";
import { rateBuckets } from "./schema.ts";

export type { SharedBuckets };

export const sharedBuckets = (db: Database): SharedBuckets => bucketsIn(db, rateBuckets);
