import { z } from "zod";
import {
  ApiKeyIdInput,
  CreateApiKeyInput,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from "../domain/api-keys.ts";
import {
  ApiKeyCreated,
  ApiKeyResult,
  SessionResult,
  SessionRevoked,
  SigningKeyRotated,
} from "../domain/results.ts";
import { ListSessionsInput, listSessions, RevokeSessionInput, revokeSession } from "../domain/sessions.ts";
import { rotateSigningKey } from "../domain/signing-keys.ts";
import { router, tenantProcedure } from "../trpc.ts";

export const sessionsRouter = router({
  /** One's own sessions; another user's with auth:session:read. */
  list: tenantProcedure
    .input(ListSessionsInput)
    .output(z.array(SessionResult))
    .query(({ ctx, input }) => listSessions({ ctx, input })),
  /** Ends one's own session; another user's with auth:session:revoke. */
  revoke: tenantProcedure
    .input(RevokeSessionInput)
    .output(SessionRevoked)
    .mutation(({ ctx, input }) => revokeSession({ ctx, input })),
});

export const apiKeysRouter = router({
  list: tenantProcedure
    .meta({ permission: "auth:api_key:read" })
    .output(z.array(ApiKeyResult))
    .query(({ ctx }) => listApiKeys({ ctx })),
  /** The key is in this answer only. */
  create: tenantProcedure
    .meta({ permission: "auth:api_key:create" })
    .input(CreateApiKeyInput)
    .output(ApiKeyCreated)
    .mutation(({ ctx, input }) => createApiKey({ ctx, input })),
  revoke: tenantProcedure
    .meta({ permission: "auth:api_key:revoke" })
    .input(ApiKeyIdInput)
    .output(ApiKeyResult)
    .mutation(({ ctx, input }) => revokeApiKey({ ctx, input })),
});

export const signingKeysRouter = router({
  /** Platform operators: a new signing key; the old one verifies until its tokens have expired. */
  rotate: tenantProcedure
    .meta({ permission: "platform:signing_key:rotate" })
    .output(SigningKeyRotated)
    .mutation(({ ctx }) => rotateSigningKey({ ctx })),
});
