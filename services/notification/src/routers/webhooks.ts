import { NoInput } from "../domain/inbox.ts";
import {
  DeliveryPage,
  DeliveryResult,
  DeliveryWithAttempts,
  WebhookCreated,
  WebhookList,
  WebhookRemoved,
  WebhookResult,
} from "../domain/webhooks/results.ts";
import {
  CreateWebhookInput,
  createWebhook,
  DeliveryById,
  getDelivery,
  getWebhook,
  ListDeliveriesInput,
  listDeliveries,
  listWebhooks,
  redeliver,
  removeWebhook,
  UpdateWebhookInput,
  updateWebhook,
  WebhookById,
} from "../domain/webhooks/subscriptions.ts";
import { router, tenantProcedure } from "../trpc.ts";

const read = tenantProcedure.meta({ permission: "notification:webhook:read" });
const manage = tenantProcedure.meta({ permission: "notification:webhook:manage" });

/** A tenant's outbound webhook endpoints and their delivery log (`webhooks.*` at the gateway). */
export const webhooksRouter = router({
  create: manage
    .input(CreateWebhookInput)
    .output(WebhookCreated)
    .mutation(({ ctx, input }) => createWebhook({ ctx, input })),
  list: read
    .input(NoInput)
    .output(WebhookList)
    .query(({ ctx }) => listWebhooks({ ctx })),
  get: read
    .input(WebhookById)
    .output(WebhookResult)
    .query(({ ctx, input }) => getWebhook({ ctx, input })),
  update: manage
    .input(UpdateWebhookInput)
    .output(WebhookResult)
    .mutation(({ ctx, input }) => updateWebhook({ ctx, input })),
  remove: manage
    .input(WebhookById)
    .output(WebhookRemoved)
    .mutation(({ ctx, input }) => removeWebhook({ ctx, input })),
  deliveries: router({
    list: read
      .input(ListDeliveriesInput)
      .output(DeliveryPage)
      .query(({ ctx, input }) => listDeliveries({ ctx, input })),
    get: read
      .input(DeliveryById)
      .output(DeliveryWithAttempts)
      .query(({ ctx, input }) => getDelivery({ ctx, input })),
    redeliver: manage
      .input(DeliveryById)
      .output(DeliveryResult)
      .mutation(({ ctx, input }) => redeliver({ ctx, input })),
  }),
});
