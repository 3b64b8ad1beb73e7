/**
 * TanStack Query options for every read the console makes, over the vanilla typed client.
 * `@trpc/tanstack-react-query` would generate these, but it exists only at 11.22.1 and pins
 * @trpc/client and @trpc/server to exactly that version while the repo runs 11.25.2 (see README):
 * these wrappers keep one tRPC version and full types (inputs and outputs come from the client).
 * Keys are the procedure path plus the input; `refreshReads` (components/mutate.ts) refreshes every
 * read under a path prefix after a change.
 */
import { queryOptions } from "@tanstack/react-query";
import type { RouterInputs, VextrusClient } from "@vextrus/client";

/**
 * How often open screens ask again for tasks and messages: the fallback, since the in-app stream
 * (components/live.ts) refreshes them the moment a message arrives.
 */
export const LIVE_MS = 60_000;

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
    items: (search: string) =>
      queryOptions({
        queryKey: ["masterData.items.list", search],
        queryFn: () => api.masterData.items.list.query({ limit: 20, ...(search ? { search } : {}) }),
      }),
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
  };
}
