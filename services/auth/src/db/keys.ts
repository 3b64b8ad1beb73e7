import { sql } from "drizzle-orm";
import { jsonb, pgPolicy, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { auth } from "./base.ts";

export const signingKeyStatus = auth.enum("signing_key_status", ["active", "retired"]);

/**
 * Ed25519 keys that sign access tokens. One is active; a retired key is still published in the JWKS
 * until `verifyUntil`, when every token it signed has expired. Platform-only (no tenant reads it).
 */
export const signingKeys = auth.table(
  "signing_keys",
  {
    kid: text("kid").primaryKey(),
    algorithm: text("algorithm").notNull(),
    publicJwk: jsonb("public_jwk").notNull().$type<Record<string, unknown>>(),
    /** The private JWK, sealed with AES-256-GCM when a key-encryption secret is configured. */
    privateKey: text("private_key").notNull(),
    status: signingKeyStatus("status").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    /** Set by a rotation: the key still signs until then, while its successor becomes known. */
    retiredAt: timestamp("retired_at", { withTimezone: true, mode: "date" }),
    verifyUntil: timestamp("verify_until", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("signing_keys_one_active_idx").on(t.status).where(sql`status = 'active'`),
    pgPolicy("platform_only", {
      as: "permissive",
      for: "all",
      using: sql`current_setting('app.platform', true) = 'on'`,
      withCheck: sql`current_setting('app.platform', true) = 'on'`,
    }),
  ],
);
