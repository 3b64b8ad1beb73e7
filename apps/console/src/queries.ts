/**
 * TanStack Query options for every read the console makes, over the vanilla typed client.
 * `@trpc/tanstack-react-query` would generate these, but it exists only at 11.22.1 and pins
 * @trpc/client and @trpc/server to exactly that version while the repo runs 11.25.2 (see README):
 * these wrappers keep one tRPC version and full types (inputs and outputs come from the client).
 * Keys are the procedure path plus the input; `refreshReads` (components/mutate.ts) refreshes every
 * read under a path prefix after a change.
 */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { RouterInputs, VextrusClient } from "@vextrus/client";

/**
 * How often open screens ask again for tasks and messages: the fallback, since the in-app stream
 * (components/live.ts) refreshes them the moment a message arrives.
 */
export const LIVE_MS = 60_000;

/** Rows per page of a master-data list; "Load more" asks for the next page with the list's cursor. */
export const PAGE = 20;

/** A keyset-paginated list read page by page (`nextCursor` null on the last page). */
function pages<P extends { nextCursor: string | null }>(
  key: unknown[],
  read: (cursor?: string) => Promise<P>,
) {
  return infiniteQueryOptions({
    queryKey: key,
    queryFn: ({ pageParam }) => read(pageParam || undefined),
    initialPageParam: "",
    getNextPageParam: (page: P) => page.nextCursor ?? undefined,
  });
}

export function queries(api: VextrusClient) {
  return {
    me: () => queryOptions({ queryKey: ["auth.me"], queryFn: () => api.auth.me.query() }),
    users: () =>
      queryOptions({
        queryKey: ["auth.users.list"],
        queryFn: () => api.auth.users.list.query({ limit: 100 }),
        staleTime: 60_000,
      }),
    roles: () => queryOptions({ queryKey: ["auth.roles.list"], queryFn: () => api.auth.roles.list.query() }),
    preferences: () =>
      queryOptions({
        queryKey: ["notification.preferences.get"],
        queryFn: () => api.notification.preferences.get.query(),
        staleTime: Number.POSITIVE_INFINITY,
      }),
    subscriptions: () =>
      queryOptions({
        queryKey: ["notification.subscriptions.list"],
        queryFn: () => api.notification.subscriptions.list.query(),
      }),
    unreadCount: () =>
      queryOptions({
        queryKey: ["notification.inbox.unreadCount"],
        queryFn: () => api.notification.inbox.unreadCount.query(),
        refetchInterval: LIVE_MS,
      }),
    messages: () =>
      queryOptions({
        queryKey: ["notification.inbox.list"],
        queryFn: () => api.notification.inbox.list.query({ limit: 20 }),
        refetchInterval: LIVE_MS,
      }),
    tasks: () =>
      queryOptions({
        queryKey: ["workflow.tasks.inbox"],
        queryFn: () => api.workflow.tasks.inbox.query({}),
        refetchInterval: LIVE_MS,
      }),
    process: (id: string) =>
      queryOptions({
        queryKey: ["workflow.processes.get", id],
        queryFn: () => api.workflow.processes.get.query({ id }),
      }),
    myProcesses: () =>
      queryOptions({
        queryKey: ["workflow.processes.list", "mine"],
        queryFn: () => api.workflow.processes.list.query({ mine: true, limit: 20 }),
      }),
    definitions: () =>
      queryOptions({
        queryKey: ["workflow.definitions.list"],
        queryFn: () => api.workflow.definitions.list.query({}),
      }),
    preview: (input: RouterInputs["workflow"]["processes"]["preview"]) =>
      queryOptions({
        queryKey: ["workflow.processes.preview", input],
        queryFn: () => api.workflow.processes.preview.query(input),
        retry: false,
      }),
    companies: () =>
      queryOptions({
        queryKey: ["organization.companies.list"],
        queryFn: () => api.organization.companies.list.query({ limit: 100 }),
      }),
    departmentTree: () =>
      queryOptions({
        queryKey: ["organization.departments.tree"],
        queryFn: () => api.organization.departments.tree.query({}),
      }),
    departments: () =>
      queryOptions({
        queryKey: ["organization.departments.list"],
        queryFn: () => api.organization.departments.list.query({ limit: 100 }),
      }),
    designations: () =>
      queryOptions({
        queryKey: ["organization.designations.list"],
        queryFn: () => api.organization.designations.list.query({ limit: 100 }),
      }),
    memberships: () =>
      queryOptions({
        queryKey: ["organization.memberships.list"],
        queryFn: () => api.organization.memberships.list.query({ limit: 100 }),
      }),
    parties: (search: string) =>
      queryOptions({
        queryKey: ["masterData.parties.list", search],
        queryFn: () => api.masterData.parties.list.query({ limit: 20, ...(search ? { search } : {}) }),
      }),
    /** Parties page by page (the master-data screen); a key of its own, since its data are pages. */
    partyPages: (search: string) =>
      pages(["masterData.parties.list", "pages", search], (cursor) =>
        api.masterData.parties.list.query({
          limit: PAGE,
          ...(search ? { search } : {}),
          ...(cursor ? { cursor } : {}),
        }),
      ),
    itemPages: (search: string) =>
      pages(["masterData.items.list", "pages", search], (cursor) =>
        api.masterData.items.list.query({
          limit: PAGE,
          ...(search ? { search } : {}),
          ...(cursor ? { cursor } : {}),
        }),
      ),
    units: () =>
      queryOptions({
        queryKey: ["masterData.units.list"],
        queryFn: () => api.masterData.units.list.query({ limit: 100 }),
        staleTime: 60_000,
      }),
    auditLog: (filter: RouterInputs["audit"]["events"]["list"]) =>
      queryOptions({
        queryKey: ["audit.events.list", filter],
        queryFn: () => api.audit.events.list.query(filter),
      }),
    documents: () =>
      queryOptions({
        queryKey: ["documents.list", "mushak-6.3"],
        queryFn: () => api.documents.list.query({ template: "mushak-6.3", limit: 20 }),
      }),
    imports: () =>
      queryOptions({
        queryKey: ["imports.list"],
        queryFn: () => api.imports.list.query({ limit: 20 }),
      }),
    importJob: (id: string) =>
      queryOptions({ queryKey: ["imports.get", id], queryFn: () => api.imports.get.query({ id }) }),
    importRows: (importId: string, action: string) =>
      queryOptions({
        queryKey: ["imports.rows", importId, action],
        queryFn: () =>
          api.imports.rows.query({
            importId,
            limit: 100,
            ...(action ? { action: action as "create" | "update" | "unchanged" | "error" } : {}),
          }),
      }),
    branches: () =>
      queryOptions({
        queryKey: ["organization.branches.list"],
        queryFn: () => api.organization.branches.list.query({ limit: 100 }),
      }),
    attachments: (processId: string) =>
      queryOptions({
        queryKey: ["files.list", processId],
        queryFn: () =>
          api.files.list.query({
            attachedTo: { service: "workflow", type: "process", id: processId },
            limit: 50,
          }),
      }),
  };
}
