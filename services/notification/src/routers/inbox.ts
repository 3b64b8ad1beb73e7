import {
  ListInboxInput,
  listInbox,
  MarkReadInput,
  markAllRead,
  markRead,
  NoInput,
  unreadCount,
} from "../domain/inbox.ts";
import { getPreferences, SetPreferencesInput, setPreferences } from "../domain/preferences.ts";
import {
  InboxMessage,
  InboxPage,
  MarkedAll,
  PreferencesResult,
  StreamTicket,
  UnreadCount,
} from "../domain/results.ts";
import { createStreamTicket } from "../domain/stream.ts";
import { router, tenantProcedure } from "../trpc.ts";

// A signed-in user reads and marks only their own messages and preferences: no permission needed.
export const inboxRouter = router({
  list: tenantProcedure
    .input(ListInboxInput)
    .output(InboxPage)
    .query(({ ctx, input }) => listInbox({ ctx, input })),
  unreadCount: tenantProcedure
    .input(NoInput)
    .output(UnreadCount)
    .query(({ ctx }) => unreadCount({ ctx })),
  markRead: tenantProcedure
    .input(MarkReadInput)
    .output(InboxMessage)
    .mutation(({ ctx, input }) => markRead({ ctx, input })),
  markAllRead: tenantProcedure
    .input(NoInput)
    .output(MarkedAll)
    .mutation(({ ctx }) => markAllRead({ ctx })),
  /** A one-minute, single-use ticket to open the caller's stream (`GET /notifications/stream?ticket=`). */
  streamTicket: tenantProcedure
    .input(NoInput)
    .output(StreamTicket)
    .mutation(({ ctx }) => createStreamTicket({ ctx })),
});

export const preferencesRouter = router({
  get: tenantProcedure
    .input(NoInput)
    .output(PreferencesResult)
    .query(({ ctx }) => getPreferences({ ctx })),
  set: tenantProcedure
    .input(SetPreferencesInput)
    .output(PreferencesResult)
    .mutation(({ ctx, input }) => setPreferences({ ctx, input })),
});
