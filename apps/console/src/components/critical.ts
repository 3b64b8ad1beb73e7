import { useQuery } from "@tanstack/react-query";
import { useLocation } from "@tanstack/react-router";
import { useApi } from "../api.tsx";
import { queries } from "../queries.ts";

/**
 * Whether the reads that are not on the page's critical path may start. On the inbox the tasks come
 * first: the header's unread count and language, the messages and the live stream wait until the
 * tasks have answered, so the first answer the reader waits for never queues behind them (in the
 * embedded mode every service shares one database connection). Elsewhere: at once.
 */
export function useSecondaryReads(): boolean {
  const { api, session } = useApi();
  const onInbox = useLocation({ select: (location) => location.pathname === "/inbox" });
  // The same query the inbox shows (one request for both): here only to know when it has answered.
  const tasks = useQuery({ ...queries(api).tasks(), enabled: onInbox && session !== null });
  return !onInbox || tasks.isFetched;
}
