import { createServiceClient, type Fetch, type Logger } from "@vextrus/platform";
import { z } from "zod";

/** A secret link to hand to a person: a password reset, an invitation or a contact verification. */
export interface SecretMessage {
  purpose: "reset" | "invite" | "verify";
  tenantId: string;
  userId: string;
  /** The row of the secret (a reset, invitation or verification): its id, never the secret. */
  resetId: string;
  address: string;
  token: string;
  expiresAt: Date;
}

/**
 * Delivers reset, invitation and verification secrets to their owner. The secret never goes into an event, a log
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

/** Hands messages to the courier after the commit that created them; a failure is logged, not thrown. */
export async function deliverAll(courier: Courier, log: Logger, messages: readonly SecretMessage[]) {
  for (const message of messages) {
    await courier.deliver(message).catch((error: unknown) => {
      log.warn("secret link not delivered", {
        purpose: message.purpose,
        resetId: message.resetId,
        message: String(error),
      });
    });
  }
}

/**
 * The notification service as the courier: `notification.secrets.deliver` over HTTP tRPC with a
 * one-minute service token (`platform:notification:secret`, which no tenant role can hold) that
 * `token(tenantId)` signs. The secret travels only in this call's body; notification sends it at once
 * and stores the message with the link withheld.
 */
export function notificationCourier(options: {
  url: string;
  timeoutMs: number;
  token: (tenantId: string) => Promise<string>;
  fetch?: Fetch | undefined;
}): Courier {
  const notification = createServiceClient({ service: "notification", ...options });
  return {
    async deliver(message) {
      await notification.mutation(
        "secrets.deliver",
        {
          purpose: message.purpose,
          secretId: message.resetId,
          userId: message.userId,
          address: message.address,
          token: message.token,
          expiresAt: message.expiresAt,
        },
        z.unknown(),
        {
          requestId: Bun.randomUUIDv7(),
          authorization: `Bearer ${await options.token(message.tenantId)}`,
        },
      );
    },
  };
}
