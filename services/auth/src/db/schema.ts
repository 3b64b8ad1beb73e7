import { inboxTable, outboxTable } from "@vextrus/events";
import { auth } from "./base.ts";

export { apiKeys, permissions, rolePermissions, roles, userRoles } from "./access.ts";
export { auth } from "./base.ts";
export {
  contactChannel,
  contactVerifications,
  credentials,
  passwordResetTokens,
  resetPurpose,
  tenantStatus,
  tenants,
  userStatus,
  users,
} from "./identity.ts";
export { signingKeyStatus, signingKeys } from "./keys.ts";
export {
  loginAttempts,
  loginOutcome,
  loginRefusals,
  rateBuckets,
  refreshTokens,
  sessions,
} from "./sessions.ts";

/** Events written in the same transaction as the change they describe; the relay publishes them. */
export const outbox = outboxTable(auth);

/** Events this service has applied (organization's tenant status changes), so redelivery changes nothing. */
export const inbox = inboxTable(auth);
