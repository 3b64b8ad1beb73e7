import type { Principal } from "./auth.ts";
import type { AppError } from "./errors.ts";
import type { Locale } from "./locale.ts";
import type { Logger } from "./log.ts";

/** What every procedure knows about its request, before the service adds its own dependencies. */
export type RequestContext = {
  requestId: string;
  locale: Locale;
  log: Logger;
  /** null when the request carried no token, or a bad one. */
  principal: Principal | null;
  /** Why a presented token was refused; procedures that need a caller throw it. */
  authError: AppError | null;
  /** The request's Authorization header, forwarded by calls to other services (see service-client.ts). */
  authorization: string | undefined;
  /** The request's W3C trace context: the one it arrived with, or a new trace. */
  traceparent: string;
};

export type ServiceContext<Deps> = RequestContext & { deps: Deps };

/** What a domain verb receives once the caller is known to belong to a tenant. */
export type TenantContext<Deps> = ServiceContext<Deps> & { principal: Principal; tenantId: string };
