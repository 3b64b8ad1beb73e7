export { API_KEY_INTROSPECTION_PATH, API_KEY_PREFIX, IntrospectionAnswer } from "./api-keys.ts";
export {
  createTokenVerifier,
  hasPermission,
  JWKS_COOLDOWN_MS,
  type Principal,
  type TokenVerifier,
  tokenVerifierFromEnv,
} from "./auth.ts";
export {
  type Connection,
  clientAddress,
  parseTrustedProxies,
  resolveClientAddress,
  type TrustedProxies,
  trustNoProxy,
} from "./client-address.ts";
export type { RequestContext, ServiceContext, TenantContext } from "./context.ts";
export {
  defaultReplicaId,
  EnvError,
  readEnv,
  readEnvOrExit,
  ServiceEnv,
  TrustedProxiesSetting,
} from "./env.ts";
export {
  AppError,
  type Bilingual,
  conflict,
  DATABASE_DOWN,
  ERROR_KINDS,
  type ErrorKind,
  type FieldIssue,
  forbidden,
  fromDatabaseError,
  invalidField,
  notFound,
  unauthorized,
} from "./errors.ts";
export { checkAll, type HealthCheck } from "./health.ts";
export {
  FORBIDDEN_KEYS,
  type InputFault,
  inputFault,
  type JsonObjectLimits,
  jsonBytes,
  jsonObject,
  MAX_INPUT_DEPTH,
  withoutForbiddenKeys,
} from "./input.ts";
export { type Locale, localeFromHeader } from "./locale.ts";
export { createLogger, errorFields, type LogFields, type Logger } from "./log.ts";
export { createMetrics, type Metrics, recordReadiness } from "./metrics.ts";
export { mountNamespaces, type Namespaces } from "./namespaces.ts";
export {
  type JsonSchema,
  namespaceOpenApi,
  type OpenApiDocument,
  type RestProcedure,
  restProcedures,
  SHARED_COMPONENTS,
  serviceOpenApi,
  withoutNamespaces,
} from "./openapi.ts";
export {
  type CursorKey,
  decodeCursor,
  encodeCursor,
  type KeyKind,
  type Page,
  type PageInputOptions,
  PageSchema,
  pageInput,
  pageOf,
} from "./pagination.ts";
export { type BucketLimits, RateLimiter } from "./rate-limit.ts";
export { type RestError, restError } from "./rest.ts";
export {
  connectionOf,
  type ListenOptions,
  listen,
  type PeerSource,
  type Stoppable,
  stopOnSignal,
} from "./serve.ts";
export { createService, type ServiceOptions } from "./service.ts";
export {
  type CallContext,
  createServiceClient,
  type Fetch,
  type ServiceCall,
  type ServiceClient,
  type ServiceClientOptions,
} from "./service-client.ts";
export { missingCredentials, type ServiceCredentials, serviceCredentials } from "./service-credentials.ts";
export {
  endSpan,
  inSpan,
  type SpanSpec,
  startSpan,
  startTracing,
  TelemetryEnv,
  type Tracing,
  type TracingTarget,
  traceparentOfSpan,
  tracesEndpoint,
  tracingOn,
} from "./telemetry.ts";
export { childTraceparent, currentTraceparent, runInTrace, traceparentOf } from "./trace.ts";
export {
  type ErrorData,
  initServiceTrpc,
  invalidInputMessage,
  logUnmappedFailures,
  type ProcedureMeta,
} from "./trpc.ts";
export { batchTooLargeText, MAX_BATCH_CALLS, wireError } from "./wire-error.ts";
