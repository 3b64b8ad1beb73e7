import { type CallContext, createServiceClient, type Fetch } from "@vextrus/platform";
import { z } from "zod";
import type { TenantDirectory } from "./deps.ts";

const Page = z.object({
  items: z.array(z.object({ id: z.uuid() }).loose()),
  nextCursor: z.string().nullable(),
});

/**
 * Every tenant, a page at a time, from organization's `tenants.list`, with the caller's own credential
 * (the backfill job's, holding `platform:tenant:read`).
 */
export function organizationTenants(options: {
  organizationUrl: string;
  timeoutMs: number;
  fetch?: Fetch;
}): TenantDirectory {
  const client = createServiceClient({
    service: "organization",
    url: options.organizationUrl,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
  });
  return async (call: CallContext, cursor?: string) => {
    const page = await client.query(
      "tenants.list",
      { limit: 100, ...(cursor ? { cursor } : {}) },
      Page,
      call,
    );
    return { ids: page.items.map((t) => t.id), nextCursor: page.nextCursor };
  };
}
