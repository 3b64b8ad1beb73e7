import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useApi } from "../api.tsx";
import { refreshReads } from "./mutate.ts";

/** Reads that a new in-app message may change (a task assigned, escalated or decided). */
const CHANGED_BY_A_MESSAGE = ["notification.inbox", "workflow.tasks.inbox", "workflow.processes"];
const RETRY_MS = 5_000;

/**
 * The signed-in user's in-app stream (server-sent events at /notifications/stream): every new
 * message refreshes the inbox, the tasks and the open request at once, so an approver sees a task
 * the moment it is assigned. EventSource cannot send the bearer token, so each connection opens with
 * a single-use ticket from `notification.inbox.streamTicket`; after a drop it reconnects with a new
 * ticket, asking for what it missed since the last message id. Polling (queries.ts) stays as the
 * fallback when the stream is unavailable.
 */
export function useLiveInbox(enabled = true): void {
  const { api, session } = useApi();
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled || !session || typeof EventSource === "undefined") {
      return;
    }
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastId = "";
    let stopped = false;
    const retry = () => {
      source?.close();
      if (!stopped) {
        timer = setTimeout(() => void connect(), RETRY_MS);
      }
    };
    const connect = async () => {
      try {
        const { ticket } = await api.notification.inbox.streamTicket.mutate();
        if (stopped) {
          return;
        }
        const missed = lastId ? `&lastEventId=${encodeURIComponent(lastId)}` : "";
        source = new EventSource(`/notifications/stream?ticket=${encodeURIComponent(ticket)}${missed}`);
        source.addEventListener("message", (event) => {
          lastId = event.lastEventId || lastId;
          void refreshReads(client, CHANGED_BY_A_MESSAGE);
        });
        source.onerror = retry;
      } catch {
        retry();
      }
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [api, session, client, enabled]);
}
