import { z } from "zod";
import { Snapshot, v1 } from "./common.ts";

// Never a password, a token or a key in an event: emit() refuses payloads with such fields.

const UserId = z.uuid();
const Email = z.email();
const Channel = z.enum(["email", "mobile"]);
const Client = { ip: z.string().max(100).optional(), userAgent: z.string().max(500).optional() };
/** The user row's version after the change, so projections keep the newest state (absent in older events). */
const UserVersion = z.number().int().min(1).optional();

export const authUserEvents = {
  "vextrus.auth.user.registered": v1(
    z.looseObject({
      userId: UserId,
      email: Email,
      mobile: z.string().max(32).nullable().optional(),
      name: z.string().optional(),
      /** The roles the new user holds (the tenant's admin role on a registration). */
      roleIds: z.array(z.uuid()).optional(),
      version: UserVersion,
      /** The tenant created by this registration, when it created one. */
      tenantCreated: z.boolean().optional(),
    }),
  ),
  "vextrus.auth.user.invited": v1(
    z.looseObject({
      userId: UserId,
      email: Email,
      mobile: z.string().max(32).nullable().optional(),
      invitedBy: z.uuid().nullable().optional(),
      roleIds: z.array(z.uuid()).optional(),
      version: UserVersion,
    }),
  ),
  "vextrus.auth.user.updated": v1(
    z.looseObject({ userId: UserId, before: Snapshot, after: Snapshot, version: UserVersion }),
  ),
  "vextrus.auth.user.deactivated": v1(
    z.looseObject({
      userId: UserId,
      reason: z.string().max(500).optional(),
      before: Snapshot.optional(),
      version: UserVersion,
    }),
  ),
  "vextrus.auth.user.roles_assigned": v1(
    z.looseObject({
      userId: UserId,
      roleIds: z.array(z.uuid()),
      before: z.looseObject({ roleIds: z.array(z.uuid()) }).optional(),
      after: z.looseObject({ roleIds: z.array(z.uuid()) }).optional(),
    }),
  ),
  "vextrus.auth.password_reset.requested": v1(
    z.looseObject({
      userId: UserId,
      /** The reset request's id, never its token. */
      resetId: z.uuid(),
      expiresAt: z.iso.datetime({ offset: true }),
      /** Where the reset link is sent (an email address or a mobile number). */
      deliveryAddress: z.string().min(3).max(320),
    }),
  ),
  /**
   * A user's e-mail or mobile changed (by themselves after re-entering their password, or by an admin
   * holding auth:user:change-contact). The notification service tells the previous address
   * (`deliveryAddress`, absent when there was none); `previous`/`current` are masked for the notice.
   */
  "vextrus.auth.user.contact_changed": v1(
    z.looseObject({
      userId: UserId,
      channel: Channel,
      previous: z.string().max(320).nullable(),
      current: z.string().max(320).nullable(),
      /** The new address in full (null: removed), for the notification service's contact list. */
      address: z.string().max(320).nullable().optional(),
      deliveryAddress: z.string().min(3).max(320).nullable(),
      by: z.enum(["self", "admin"]),
    }),
  ),
  /** A single-use verification link was issued for an address (the link goes by courier, never here). */
  "vextrus.auth.contact_verification.requested": v1(
    z.looseObject({
      userId: UserId,
      verificationId: z.uuid(),
      channel: Channel,
      deliveryAddress: z.string().min(3).max(320),
      expiresAt: z.iso.datetime({ offset: true }),
    }),
  ),
  /** The user proved they receive the address (masked here); password resets may now go to it. */
  "vextrus.auth.user.contact_verified": v1(
    z.looseObject({ userId: UserId, channel: Channel, address: z.string().max(320) }),
  ),
  "vextrus.auth.password.changed": v1(
    z.looseObject({ userId: UserId, via: z.enum(["self", "reset", "admin"]).optional() }),
  ),
} as const;

export const authSessionEvents = {
  "vextrus.auth.login.succeeded": v1(
    z.looseObject({
      userId: UserId,
      sessionId: z.uuid().optional(),
      method: z.string().optional(),
      ...Client,
    }),
  ),
  "vextrus.auth.login.failed": v1(
    z.looseObject({
      /** What was typed as the login name (the user may not exist). */
      email: z.string().max(320).optional(),
      userId: z.uuid().nullable().optional(),
      reason: z.string().min(1).max(200),
      ...Client,
    }),
  ),
  /**
   * Sign-ins refused because their client address was over its failure limit, one event per address
   * per minute with the count (owned by the platform tenant): a flood is a few events, not a flood.
   */
  "vextrus.auth.login.ip_limited": v1(
    z.looseObject({
      ip: z.string().min(1).max(100),
      count: z.number().int().min(1),
      windowStart: z.iso.datetime({ offset: true }),
      windowEnd: z.iso.datetime({ offset: true }),
      firstAt: z.iso.datetime({ offset: true }).optional(),
      lastAt: z.iso.datetime({ offset: true }).optional(),
    }),
  ),
  "vextrus.auth.session.revoked": v1(
    z.looseObject({ sessionId: z.uuid(), userId: UserId, reason: z.string().max(200).optional() }),
  ),
} as const;

export const authRoleEvents = {
  "vextrus.auth.role.created": v1(
    z.looseObject({
      roleId: z.uuid(),
      name: z.string().min(1),
      permissions: z.array(z.string()),
      after: Snapshot.optional(),
    }),
  ),
  "vextrus.auth.role.updated": v1(z.looseObject({ roleId: z.uuid(), before: Snapshot, after: Snapshot })),
  "vextrus.auth.role.deleted": v1(
    z.looseObject({ roleId: z.uuid(), name: z.string().optional(), before: Snapshot.optional() }),
  ),
} as const;

export const authApiKeyEvents = {
  "vextrus.auth.api_key.created": v1(
    z.looseObject({
      apiKeyId: z.uuid(),
      name: z.string().min(1),
      /** The visible prefix of the key (never the key). */
      prefix: z.string().max(20).optional(),
      permissions: z.array(z.string()).optional(),
      expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
    }),
  ),
  "vextrus.auth.api_key.revoked": v1(
    z.looseObject({ apiKeyId: z.uuid(), reason: z.string().max(200).optional() }),
  ),
} as const;

export const authSigningKeyEvents = {
  "vextrus.auth.signing_key.rotated": v1(
    z.looseObject({
      kid: z.string().min(1),
      previousKid: z.string().min(1).nullable().optional(),
      algorithm: z.string().optional(),
    }),
  ),
} as const;
