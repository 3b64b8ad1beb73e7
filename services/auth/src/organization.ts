import { AppError, type CallContext, createServiceClient, type Fetch } from "@vextrus/platform";
import { z } from "zod";

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

/** The request on whose behalf auth calls (its request id and trace go along; never its token). */
export type OrganizationCall = Pick<CallContext, "requestId" | "traceparent">;

/** What auth asks of the organization service (over HTTP tRPC, never by importing its code). */
export interface OrganizationPort {
  createTenant(tenant: NewOrganizationTenant, call: OrganizationCall): Promise<void>;
  /** Undoes an empty tenant (registration compensation). NOT_FOUND counts as done. */
  discardTenant(tenantId: string, call: OrganizationCall): Promise<void>;
}

function classify(error: unknown): OrganizationError {
  if (error instanceof AppError) {
    switch (error.kind) {
      case "CONFLICT":
        return new OrganizationError("conflict", error.message);
      case "VALIDATION":
        return new OrganizationError("invalid", error.message, error.field);
      case "NOT_FOUND":
        return new OrganizationError("not_found", error.message);
      default:
        return new OrganizationError("unavailable", error.message);
    }
  }
  return new OrganizationError("unavailable", error instanceof Error ? error.message : String(error));
}

/**
 * The organization service at `url`, called with a short-lived service credential that `token(tenantId)`
 * signs (permission `platform:tenant:create`). Every failure becomes an OrganizationError.
 */
export function httpOrganization(options: {
  url: string;
  timeoutMs: number;
  token: (tenantId: string) => Promise<string>;
  fetch?: Fetch | undefined;
}): OrganizationPort {
  const organization = createServiceClient({ service: "organization", ...options });
  const as = async (tenantId: string, call: OrganizationCall): Promise<CallContext> => ({
    ...call,
    authorization: `Bearer ${await options.token(tenantId)}`,
  });
  return {
    async createTenant(tenant, call) {
      try {
        await organization.mutation("tenants.create", tenant, z.unknown(), await as(tenant.id, call));
      } catch (error) {
        throw classify(error);
      }
    },
    async discardTenant(tenantId, call) {
      try {
        await organization.mutation("tenants.discard", { tenantId }, z.unknown(), await as(tenantId, call));
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
