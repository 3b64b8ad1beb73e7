import { API_KEY_PREFIX, type Principal, type TokenVerifier, unauthorized } from "@vextrus/platform";
import type { AuthDeps } from "../deps.ts";
import { introspectApiKey } from "./api-keys.ts";
import { sessionIsOpen } from "./sessions.ts";
import { verifyAccessToken } from "./tokens.ts";

const ENDED = { en: "Your session has ended; sign in again", bn: "আপনার সেশন শেষ হয়েছে; আবার সাইন ইন করুন" };
const KEY_INVALID = {
  en: "The API key is invalid, expired or revoked",
  bn: "এপিআই কী-টি অবৈধ, মেয়াদোত্তীর্ণ বা বাতিল",
};

/**
 * How auth checks callers of its own procedures: its tokens against its own keys (no HTTP), and more
 * strictly than other services — a token whose session was revoked or whose user was deactivated is
 * refused at once. API keys are checked directly, uncached.
 */
export function authVerifier(deps: AuthDeps): TokenVerifier {
  return async (token): Promise<Principal> => {
    if (token.startsWith(API_KEY_PREFIX)) {
      const answer = await introspectApiKey(deps, token);
      if (!answer.active) {
        throw unauthorized("auth.api_key.invalid", KEY_INVALID);
      }
      return {
        tenantId: answer.tenantId,
        userId: answer.keyId,
        permissions: answer.permissions,
        sessionId: undefined,
        apiKeyId: answer.keyId,
      };
    }
    const principal = await verifyAccessToken(deps, token);
    if (
      principal.sessionId &&
      !(await sessionIsOpen(deps, principal.tenantId, principal.sessionId, principal.userId))
    ) {
      throw unauthorized("auth.session.ended", ENDED);
    }
    return principal;
  };
}
