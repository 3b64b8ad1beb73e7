import { SecretDelivered } from "../domain/results.ts";
import { DeliverSecretInput, deliverSecret } from "../domain/secrets.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** Auth's courier: secret links go to their owner, never back to the caller. */
export const secretsRouter = router({
  deliver: tenantProcedure
    .meta({ permission: "platform:notification:secret" })
    .input(DeliverSecretInput)
    .output(SecretDelivered)
    .mutation(({ ctx, input }) => deliverSecret({ ctx, input })),
});
