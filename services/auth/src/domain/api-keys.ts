import {
  API_KEY_PREFIX,
  hasPermission,
  type IntrospectionAnswer,
  invalidField,
  notFound,
} from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { apiKeys } from "../db/schema.ts";
import type { AuthContext, AuthDeps } from "../deps.ts";
import { coveredBy, permissionsOf } from "./access.ts";
import { addMinutes } from "./clock.ts";
import { emitEvent } from "./events.ts";
import { Name } from "./identifiers.ts";
import { isGrantablePermission } from "./permission-catalog.ts";
import { hexToUuid, randomHex, sameDigest, sha256, uuidToHex } from "./secrets.ts";
import { LABELS, needsUser } from "./texts.ts";

export const CreateApiKeyInput = z.object({
  name: Name.max(100),
  permissions: z.array(z.string().trim().min(1).max(100)).min(1).max(100),
  /** Days until it expires (at most a year). */
  expiresInDays: z.number().int().min(1).max(365).default(90),
});
export const ApiKeyIdInput = z.object({ id: z.uuid() });

/** `vx_` + key id (32 hex) + tenant id (32 hex) + secret (64 hex). */
const KEY = /^vx_([0-9a-f]{32})([0-9a-f]{32})([0-9a-f]{64})$/;

const publicKey = (k: typeof apiKeys.$inferSelect) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  permissions: k.permissions,
  createdBy: k.createdBy,
  createdAt: k.createdAt,
  expiresAt: k.expiresAt,
  revokedAt: k.revokedAt,
  lastUsedAt: k.lastUsedAt,
});

/** Creates a key; the key itself is in this answer only (only its SHA-256 is kept). */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof CreateApiKeyInput>;
}) {
  if (ctx.principal.apiKeyId) {
    throw needsUser();
  }
  input.permissions.forEach((permission, index) => {
    if (!isGrantablePermission(permission) || !coveredBy(ctx.principal.permissions, [permission])) {
      throw invalidField(`permissions.${index}`, "auth.api_key.permission", {
        en: `"${permission}" cannot be given to a key: it must be a tenant permission you hold`,
        bn: `"${permission}" কী-তে দেওয়া যায় না: এটি আপনার নিজের একটি অনুমতি হতে হবে`,
      });
    }
  });
  const list = [...new Set(input.permissions)].sort();
  const id = Bun.randomUUIDv7();
  const key = `${API_KEY_PREFIX}${uuidToHex(id)}${uuidToHex(ctx.tenantId)}${randomHex(32)}`;
  const now = ctx.deps.clock.now();
  const row = {
    id,
    tenantId: ctx.tenantId,
    name: input.name,
    prefix: key.slice(0, 15),
    secretHash: sha256(key),
    permissions: list,
    createdBy: ctx.principal.userId,
    createdAt: now,
    expiresAt: addMinutes(now, input.expiresInDays * 24 * 60),
  };
  const created = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [inserted] = await tx.insert(apiKeys).values(row).returning();
    if (!inserted) {
      throw new Error("api key not created");
    }
    await emitEvent(tx, {
      type: "vextrus.auth.api_key.created",
      subject: id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: {
        apiKeyId: id,
        name: row.name,
        prefix: row.prefix,
        permissions: list,
        expiresAt: row.expiresAt.toISOString(),
      },
    });
    return inserted;
  });
  return { apiKey: publicKey(created), key };
}

export const listApiKeys = ({ ctx }: { ctx: AuthContext }) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => (await tx.select().from(apiKeys).orderBy(desc(apiKeys.id)).limit(200)).map(publicKey),
    { readOnly: true },
  );

export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof ApiKeyIdInput>;
}) {
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [found] = await tx.select().from(apiKeys).where(eq(apiKeys.id, input.id));
    if (!found) {
      throw notFound(LABELS.apiKey, "auth.api_key.not_found");
    }
    if (found.revokedAt) {
      return publicKey(found);
    }
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: ctx.deps.clock.now() })
      .where(eq(apiKeys.id, input.id))
      .returning();
    await announceRevoked(tx, input.id, {
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      reason: "revoked",
    });
    return publicKey(revoked ?? found);
  });
}

const announceRevoked = (
  tx: Tx,
  apiKeyId: string,
  by: { tenantId: string; actorId: string | null; reason: string },
) =>
  emitEvent(tx, {
    type: "vextrus.auth.api_key.revoked",
    subject: apiKeyId,
    tenantId: by.tenantId,
    actorId: by.actorId,
    data: { apiKeyId, reason: by.reason },
  });

/**
 * Revokes every live key a user created, inside the caller's tenant transaction (a deactivated user
 * keeps no way in, not even through a key they minted). Each revocation is announced.
 */
export async function revokeKeysCreatedBy(
  tx: Tx,
  now: Date,
  by: { tenantId: string; userId: string; actorId: string; reason: string },
): Promise<number> {
  const revoked = await tx
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.createdBy, by.userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  for (const key of revoked) {
    await announceRevoked(tx, key.id, by);
  }
  return revoked.length;
}

/**
 * What a key may do now: its own permissions narrowed to what its creator holds today, so a key never
 * outlives its creator's roles. A wildcard on one side keeps the narrower grant of the other
 * (key `organization:*`, creator `organization:company:read` → `organization:company:read`).
 */
export function effectivePermissions(
  keyPermissions: readonly string[],
  creatorPermissions: readonly string[],
): string[] {
  const effective = new Set<string>();
  for (const permission of keyPermissions) {
    if (hasPermission(creatorPermissions, permission)) {
      effective.add(permission);
      continue;
    }
    for (const held of creatorPermissions) {
      if (hasPermission([permission], held)) {
        effective.add(held);
      }
    }
  }
  return [...effective].sort();
}

/**
 * Says whether a `vx_` key is valid now and what it may do (what every service's verifier asks): its
 * permissions intersected with its creator's current ones. Notes its use at most once a minute.
 */
export async function introspectApiKey(
  deps: Pick<AuthDeps, "db" | "clock">,
  key: string,
): Promise<IntrospectionAnswer> {
  const match = KEY.exec(key);
  const keyId = hexToUuid(match?.[1] ?? "");
  const tenantId = hexToUuid(match?.[2] ?? "");
  if (!keyId || !tenantId) {
    return { active: false };
  }
  const now = deps.clock.now();
  return deps.db.tenant(tenantId, async (tx) => {
    const [found] = await tx.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    if (!found || !sameDigest(sha256(key), found.secretHash) || found.revokedAt || found.expiresAt <= now) {
      return { active: false as const };
    }
    await tx
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiKeys.id, keyId),
          or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, addMinutes(now, -1))),
        ),
      );
    const creatorPermissions = found.createdBy ? await permissionsOf(tx, found.createdBy) : [];
    return {
      active: true as const,
      tenantId,
      keyId,
      permissions: effectivePermissions(found.permissions, creatorPermissions),
      expiresAt: found.expiresAt.toISOString(),
    };
  });
}
