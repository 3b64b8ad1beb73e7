export { bucketColumns, type SharedBuckets, sharedBuckets } from "./buckets.ts";
export { CURRENT_TENANT, id, tenantId, tenantIsolation, timestamps, version } from "./columns.ts";
export { afterCommit, assertNoOpenTransaction, inOpenTransaction, NestedTransactionError } from "./guard.ts";
export { type KeysetOrder, keyset } from "./keyset.ts";
export { type MigrationTarget, migrateService } from "./migrate.ts";
export { type PgliteOptions, pgliteDatabase } from "./pglite.ts";
export { type PostgresOptions, postgresDatabase } from "./postgres.ts";
export { preparedQuery } from "./prepared.ts";
export { type Database, rowsOf, type TenantTxOptions, type Tx } from "./types.ts";

/** The role every service switches to inside tenant transactions. It cannot bypass row-level security. */
export const APP_ROLE = "vextrus_app";
