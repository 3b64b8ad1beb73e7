/**
 * The type of the whole Vextrus API as the gateway serves it: one key per service, each holding that
 * service's router. Type-only imports: the client bundle contains no server code.
 */
import type {
  inferRouterInputs,
  inferRouterOutputs,
  TRPCBuiltRouter,
  TRPCDecorateCreateRouterOptions,
} from "@trpc/server";
import type { AuditRouter } from "@vextrus/audit/router";
import type { AuthRouter } from "@vextrus/auth/router";
import type { ConfigurationRouter } from "@vextrus/configuration/router";
import type { DocumentGeneratorRouter } from "@vextrus/document-generator/router";
import type { FileStorageRouter } from "@vextrus/file-storage/router";
import type { ExportsRouter, ImportsRouter } from "@vextrus/import-export/router";
import type { MasterDataRouter } from "@vextrus/master-data/router";
import type { NotificationRouter, WebhooksRouter } from "@vextrus/notification/router";
import type { OrganizationRouter } from "@vextrus/organization/router";
import type { RulesRouter } from "@vextrus/rules-engine/router";
import type { SchedulerRouter } from "@vextrus/scheduler/router";
import type { WorkflowRouter } from "@vextrus/workflow/router";

/** Service name (the first segment of every procedure path) → that service's router. */
export type VextrusServices = {
  auth: AuthRouter;
  organization: OrganizationRouter;
  rules: RulesRouter;
  workflow: WorkflowRouter;
  audit: AuditRouter;
  masterData: MasterDataRouter;
  notification: NotificationRouter;
  /** Outbound webhooks: a second name of the notification service. */
  webhooks: WebhooksRouter;
  files: FileStorageRouter;
  documents: DocumentGeneratorRouter;
  config: ConfigurationRouter;
  scheduler: SchedulerRouter;
  /** import-export answers two names. */
  imports: ImportsRouter;
  exports: ExportsRouter;
};

/**
 * Every service builds its tRPC instance with the platform kit (superjson, the same error formatter),
 * so one service's root types stand for all of them.
 */
type SharedRoot = OrganizationRouter["_def"]["_config"]["$types"];

export type VextrusRouter = TRPCBuiltRouter<SharedRoot, TRPCDecorateCreateRouterOptions<VextrusServices>>;
export type RouterInputs = inferRouterInputs<VextrusRouter>;
export type RouterOutputs = inferRouterOutputs<VextrusRouter>;
