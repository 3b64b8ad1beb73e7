import { createTRPCUntypedClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";

export interface NewOrganizationTenant {
  id: string;
  slug: string;
  legalName: string;
  bin?: string | undefined;
  etin?: string | undefined;
}

/** Why the organization service refused, in the terms registration needs. */
export class OrganizationError extends Error {
  constructor(
    readonly reason: "conflict" | "invalid" | "unavailable" | "not_found",
    message: string,
    /** For `invalid`: the first field organization named. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "OrganizationError";
  }
}

/** What auth asks of the organization service (over HTTP tRPC, never by importing its code). */
export interface OrganizationPort {
  createTenant(tenant: NewOrganizationTenant): Promise<void>;
  /** Undoes an empty tenant (registration compensation). NOT_FOUND counts as done. */
  discardTenant(tenantId: string): Promise<void>;
}

const TIMEOUT_MS = 5_000;

function classify(error: unknown): OrganizationError {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; issues?: { path: string }[] } | undefined;
    switch (data?.code) {
      case "CONFLICT":
        return new OrganizationError("conflict", error.message);
      case "BAD_REQUEST":
        return new OrganizationError("invalid", error.message, data.issues?.[0]?.path);
      case "NOT_FOUND":
        return new OrganizationError("not_found", error.message);
      default:
        return new OrganizationError("unavailable", `organization answered ${data?.code ?? error.message}`);
    }
  }
  return new OrganizationError("unavailable", error instanceof Error ? error.message : String(error));
}

/**
 * The organization service at `baseUrl`, called with a short-lived service token that `token(tenantId)`
 * signs (permission `platform:tenant:create`). Every failure becomes an OrganizationError.
 */
export function httpOrganization(
  baseUrl: string,
  token: (tenantId: string) => Promise<string>,
): OrganizationPort {
  // An untyped client: `@vextrus/organization/router` does not resolve from this package (see README).
  const client = (tenantId: string) =>
    createTRPCUntypedClient({
      links: [
        httpLink({
          url: new URL("/trpc", baseUrl).toString(),
          transformer: superjson,
          headers: async () => ({ authorization: `Bearer ${await token(tenantId)}` }),
          fetch: (url, init) =>
            fetch(url, { ...(init as RequestInit), signal: AbortSignal.timeout(TIMEOUT_MS) }),
        }),
      ],
    });
  return {
    async createTenant(tenant) {
      try {
        await client(tenant.id).mutation("tenants.create", tenant);
      } catch (error) {
        throw classify(error);
      }
    },
    async discardTenant(tenantId) {
      try {
        await client(tenantId).mutation("tenants.discard", { tenantId });
      } catch (error) {
        const classified = classify(error);
        if (classified.reason !== "not_found") {
          throw classified;
        }
      }
    },
  };
}

/** When ORGANIZATION_URL is not set: registration answers UNAVAILABLE. */
export const missingOrganization: OrganizationPort = {
  createTenant: () => Promise.reject(new OrganizationError("unavailable", "ORGANIZATION_URL is not set")),
  discardTenant: () => Promise.reject(new OrganizationError("unavailable", "ORGANIZATION_URL is not set")),
};
