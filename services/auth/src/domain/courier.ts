import type { Logger } from "@vextrus/platform";

/** A secret link to hand to a person: a password reset or an invitation. */
export interface SecretMessage {
  purpose: "reset" | "invite";
  tenantId: string;
  userId: string;
  resetId: string;
  address: string;
  token: string;
  expiresAt: Date;
}

/**
 * Delivers reset and invitation secrets to their owner. The secret never goes into an event, a log
 * or the database (only its hash does), so it travels through this port, called after the commit.
 */
export interface Courier {
  deliver(message: SecretMessage): Promise<void>;
}

/** Until the notification service exists: nothing is sent, and the log says so (without the secret). */
export const undeliveredCourier = (log: Logger): Courier => ({
  async deliver(message) {
    log.warn("no courier configured: secret link not delivered", {
      purpose: message.purpose,
      tenantId: message.tenantId,
      userId: message.userId,
      resetId: message.resetId,
    });
  },
});
