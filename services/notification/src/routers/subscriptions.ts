import { z } from "zod";
import { NoInput } from "../domain/inbox.ts";
import { SubscriptionRemoved, SubscriptionResult } from "../domain/results.ts";
import {
  AddSubscriptionInput,
  addSubscription,
  listSubscriptions,
  RemoveSubscriptionInput,
  removeSubscription,
} from "../domain/subscriptions.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** A tenant's orders to also tell a role or a department of some kinds of message. */
export const subscriptionsRouter = router({
  list: tenantProcedure
    .meta({ permission: "notification:subscription:read" })
    .input(NoInput)
    .output(z.array(SubscriptionResult))
    .query(({ ctx }) => listSubscriptions({ ctx })),
  add: tenantProcedure
    .meta({ permission: "notification:subscription:manage" })
    .input(AddSubscriptionInput)
    .output(SubscriptionResult)
    .mutation(({ ctx, input }) => addSubscription({ ctx, input })),
  remove: tenantProcedure
    .meta({ permission: "notification:subscription:manage" })
    .input(RemoveSubscriptionInput)
    .output(SubscriptionRemoved)
    .mutation(({ ctx, input }) => removeSubscription({ ctx, input })),
});
