import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../api.tsx";
import { DataTable } from "../components/data-table.tsx";
import { ErrorBanner } from "../components/form.tsx";
import { refreshReads } from "../components/mutate.ts";
import { useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";
import { Amount, type OpenTask, ProcessDetail } from "./process.tsx";

type InboxTask = {
  id: string;
  version: number;
  step: number;
  dueAt: Date | null;
  processId: string;
  via: "assigned" | "delegated";
  process: { subject: string; amount: string };
};

function TaskTable({
  caption,
  tasks,
  selected,
  onOpen,
}: {
  caption: string;
  tasks: InboxTask[];
  selected: string | undefined;
  onOpen: (task: InboxTask) => void;
}) {
  const { t, num, date } = useI18n();
  return (
    <DataTable
      className="tasks"
      caption={caption}
      rows={tasks}
      rowKey={(task) => task.id}
      current={(task) => task.id === selected}
      columns={[
        { header: t("inbox.subject"), cell: (task) => task.process.subject },
        { header: t("inbox.amount"), cell: (task) => <Amount amount={task.process.amount} /> },
        { header: t("inbox.step"), cell: (task) => num(task.step) },
        { header: t("inbox.due"), cell: (task) => date(task.dueAt) },
        {
          header: t("common.actions"),
          hideHeader: true,
          cell: (task) => (
            <button
              type="button"
              onClick={() => onOpen(task)}
              aria-label={`${t("inbox.open")}: ${task.process.subject}`}
            >
              {t("inbox.open")}
            </button>
          ),
        },
      ]}
    />
  );
}

/** My in-app messages: read once the tasks have answered (`enabled`), never before them. */
function Messages({ enabled }: { enabled: boolean }) {
  const { t, date, num } = useI18n();
  const { api } = useApi();
  const client = useQueryClient();
  const q = queries(api);
  const messages = useQuery({ ...q.messages(), enabled });
  const unread = useQuery({ ...q.unreadCount(), enabled });
  const markAll = useMutation({
    mutationFn: () => api.notification.inbox.markAllRead.mutate(),
    onSuccess: () => refreshReads(client, ["notification.inbox"]),
  });
  const items = messages.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="messages-title">
      <h2 id="messages-title">
        {t("inbox.notifications")}{" "}
        {unread.data?.unread ? (
          <span className="muted">({t("inbox.unread", { n: unread.data.unread })})</span>
        ) : null}
      </h2>
      {items.length === 0 ? (
        <p>{t("inbox.noMessages")}</p>
      ) : (
        <ul className="messages">
          {items.map((m) => (
            <li key={m.id} className={m.readAt ? "" : "unread"}>
              <strong>{m.subject}</strong> <span className="muted">{date(m.createdAt)}</span>
              <div>{m.body}</div>
            </li>
          ))}
        </ul>
      )}
      {unread.data?.unread ? (
        <button type="button" onClick={() => markAll.mutate()} disabled={markAll.isPending}>
          {t("inbox.markAll")} ({num(unread.data.unread)})
        </button>
      ) : null}
    </section>
  );
}

/** The approvals inbox: tasks assigned and delegated to me, one open at a time with its history. */
export function InboxScreen() {
  const { t } = useI18n();
  const { api } = useApi();
  const tasks = useQuery(queries(api).tasks());
  const [open, setOpen] = useState<{ processId: string; task: OpenTask } | undefined>();
  const all = (tasks.data ?? []) as InboxTask[];
  const mine = all.filter((task) => task.via === "assigned");
  const delegated = all.filter((task) => task.via === "delegated");
  const select = (task: InboxTask) =>
    setOpen({ processId: task.processId, task: { id: task.id, version: task.version } });
  return (
    <div className="inbox">
      <section className="card" aria-labelledby="inbox-title">
        <h1 id="inbox-title">{t("inbox.title")}</h1>
        <ErrorBanner error={tasks.error} />
        {tasks.isPending ? (
          <p aria-busy="true">{t("common.loading")}</p>
        ) : all.length === 0 ? (
          <p>{t("inbox.empty")}</p>
        ) : (
          <>
            {mine.length > 0 ? (
              <TaskTable caption={t("inbox.mine")} tasks={mine} selected={open?.task.id} onOpen={select} />
            ) : null}
            {delegated.length > 0 ? (
              <TaskTable
                caption={t("inbox.delegated")}
                tasks={delegated}
                selected={open?.task.id}
                onOpen={select}
              />
            ) : null}
          </>
        )}
      </section>
      {open ? (
        <section className="card" key={open.task.id}>
          <ProcessDetail processId={open.processId} task={open.task} />
        </section>
      ) : null}
      <Messages enabled={tasks.isFetched} />
    </div>
  );
}
