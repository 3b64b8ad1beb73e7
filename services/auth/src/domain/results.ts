/**
 * What auth's procedures answer, as zod schemas: user, API-key and role records derived from the tables
 * (drizzle-zod, the fields the verbs expose), the rest written out. Each router declares them with
 * `.output(…)`, so the OpenAPI document describes every result and nothing else (a password hash, a key
 * hash) can leave the service.
 */
import { PageSchema } from "@vextrus/platform";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { apiKeys, roles } from "../db/access.ts";
import { users } from "../db/identity.ts";

export const UserResult = createSelectSchema(users).pick({
  id: true,
  tenantId: true,
  name: true,
  email: true,
  mobile: true,
  status: true,
  createdAt: true,
  emailVerifiedAt: true,
  mobileVerifiedAt: true,
  updatedAt: true,
  deactivatedAt: true,
  version: true,
});
export const UserWithRoles = UserResult.extend({ roleIds: z.array(z.uuid()) });
export const UserPage = PageSchema(UserWithRoles);
export const InviteResult = z.object({
  user: UserWithRoles,
  invitation: z.object({ expiresAt: z.date() }),
});
export const AssignRolesResult = z.object({ userId: z.uuid(), roleIds: z.array(z.uuid()) });
export const LookupResult = z.object({
  users: z.array(UserResult.pick({ id: true, status: true, version: true })),
});

export const RoleResult = createSelectSchema(roles)
  .pick({ id: true, name: true, description: true, version: true })
  .extend({
    builtin: z.boolean().describe("one of the roles every tenant has (admin, …): its permissions are fixed"),
    permissions: z.array(z.string()),
  });
export const RoleDeleted = z.object({ id: z.uuid(), deleted: z.literal(true) });
export const PermissionResult = z.object({
  name: z.string(),
  service: z.string(),
  description: z.string(),
  descriptionBn: z.string(),
});

export const SessionResult = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  createdAt: z.date(),
  lastUsedAt: z.date(),
  expiresAt: z.date(),
  revokedAt: z.date().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean().describe("the session of the token that asked"),
});
export const SessionRevoked = z.object({ sessionId: z.uuid(), revoked: z.boolean() });

export const ApiKeyResult = createSelectSchema(apiKeys).pick({
  id: true,
  name: true,
  prefix: true,
  permissions: true,
  createdBy: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
});
export const ApiKeyCreated = z.object({
  apiKey: ApiKeyResult,
  key: z.string().describe("the key itself (`vx_…`): shown this once, never stored"),
});
export const SigningKeyRotated = z.object({
  kid: z.string(),
  previousKid: z.string().nullable(),
  previousValidUntil: z.date().nullable(),
  signsFrom: z.date(),
});

const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe("seconds until the access token expires"),
  sessionId: z.uuid(),
});
export const RefreshResult = TokenPair;
export const LoginResult = TokenPair.extend({
  user: z.object({ id: z.uuid(), name: z.string(), email: z.string(), tenantId: z.uuid() }),
  permissions: z.array(z.string()),
});
export const RegisterResult = z.object({
  tenant: z.object({ id: z.uuid(), slug: z.string(), legalName: z.string() }),
  user: z.object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    mobile: z.string().nullable(),
    tenantId: z.uuid(),
  }),
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
  permissions: z.array(z.string()),
});
export const MeResult = z.object({
  user: UserResult,
  tenant: z.object({ id: z.uuid(), slug: z.string().nullable() }),
  roles: z.array(z.object({ id: z.uuid(), name: z.string() })),
  permissions: z.array(z.string()),
  sessionId: z.uuid().nullable().describe("null for an API key"),
});
export const LoggedOut = z.object({ loggedOut: z.boolean() });
export const PasswordChanged = z.object({ passwordChanged: z.literal(true) });
export const PasswordSet = z.object({ userId: z.uuid(), passwordSet: z.literal(true) });
export const ResetRequested = z.object({
  accepted: z.literal(true).describe("always true: whether the address is known is not told"),
});
const Channel = z.enum(["email", "mobile"]);
export const VerificationRequested = z.object({ channel: Channel, alreadyVerified: z.boolean() });
export const ContactVerified = z.object({ userId: z.uuid(), channel: Channel, verified: z.literal(true) });
