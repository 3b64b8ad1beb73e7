import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams } from "@tanstack/react-router";
import { useState } from "react";
import { useApi } from "../api.tsx";
import { Attachments } from "../components/attachments.tsx";
import { DataTable } from "../components/data-table.tsx";
import { ErrorBanner, InputField, Notice, SelectField, TextAreaField } from "../components/form.tsx";
import { refreshReads, useApiMutation } from "../components/mutate.ts";
import { usePeople } from "../components/people.ts";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";

/** A task the reader may decide: its id and the version they saw. */
export interface OpenTask {
  id: string;
  version: number;
}

export function Amount({ amount }: { amount: string }) {
  const { money, words } = useI18n();
  const spoken = words(amount);
  return (
    <span className="amount">
      {money(amount)}
      {spoken ? <span className="muted"> ({spoken})</span> : null}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={`status status-${status}`}>{t(`status.${status}` as MessageKey)}</span>;
}

/** Approve, reject or return a task, with a comment. */
function Decide({ task }: { task: OpenTask }) {
  const { t } = useI18n();
  const { api } = useApi();
  const client = useQueryClient();
  const [comment, setComment] = useState("");
  const decide = useMutation({
    mutationFn: (verb: "approve" | "reject" | "returnForChanges") =>
      api.workflow.tasks[verb].mutate({
        taskId: task.id,
        expectedVersion: task.version,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      }),
    onSuccess: () =>
      refreshReads(client, ["workflow.tasks.inbox", "workflow.processes", "notification.inbox"]),
  });
  if (decide.isSuccess) {
    return <Notice>{t("task.decided")}</Notice>;
  }
  return (
    <form className="decide" onSubmit={(e) => e.preventDefault()} aria-label={t("task.title")}>
      <TextAreaField
        label={t("task.comment")}
        optional
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <ErrorBanner error={decide.error} />
      <div className="buttons">
        <button
          type="button"
          className="primary"
          disabled={decide.isPending}
          onClick={() => decide.mutate("approve")}
        >
          {t("task.approve")}
        </button>
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate("returnForChanges")}>
          {t("task.return")}
        </button>
        <button
          type="button"
          className="danger"
          disabled={decide.isPending}
          onClick={() => decide.mutate("reject")}
        >
          {t("task.reject")}
        </button>
      </div>
    </form>
  );
}

/** Hands the task to someone else until a date (they see it under "Delegated to me"). */
function Delegate({ task }: { task: OpenTask }) {
  const { t } = useI18n();
  const { api } = useApi();
  const users = useQuery({ ...queries(api).users(), retry: false });
  const me = useQuery(queries(api).me());
  const [to, setTo] = useState("");
  const [until, setUntil] = useState("");
  const delegate = useApiMutation(
    () =>
      api.workflow.tasks.delegate.mutate({
        taskId: task.id,
        toUserId: to,
        // The end of the chosen day in Dhaka; an empty date is sent as invalid for the API to name.
        until: new Date(until ? `${until}T23:59:59+06:00` : Number.NaN),
      }),
    ["workflow.tasks.inbox", "workflow.processes"],
  );
  if (delegate.isSuccess) {
    return <Notice>{t("task.delegated")}</Notice>;
  }
  const others = (users.data?.items ?? []).filter((u) => u.id !== me.data?.user.id);
  return (
    <form
      noValidate
      aria-label={t("task.delegate")}
      onSubmit={(e) => {
        e.preventDefault();
        delegate.mutate(undefined);
      }}
    >
      <div className="row">
        <SelectField
          label={t("task.delegateTo")}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          error={delegate.fields.toUserId}
          options={others.map((u) => ({ value: u.id, label: u.name }))}
        />
        <InputField
          label={t("task.delegateUntil")}
          type="date"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
          error={delegate.fields.until}
        />
        <button type="submit" disabled={delegate.isPending}>
          {t("task.delegate")}
        </button>
      </div>
      <ErrorBanner error={delegate.error} />
    </form>
  );
}

/** A process: amount, VAT, every step with who holds it, the whole history, and a decision form. */
export function ProcessDetail({ processId, task }: { processId: string; task?: OpenTask | undefined }) {
  const { t, date, num } = useI18n();
  const { api } = useApi();
  const person = usePeople();
  const detail = useQuery(queries(api).process(processId));
  if (detail.error) {
    return <ErrorBanner error={detail.error} />;
  }
  if (!detail.data) {
    return <p aria-busy="true">{t("common.loading")}</p>;
  }
  const { process, tasks, history } = detail.data;
  const outputs = process.rules.outputs as Record<string, unknown>;
  const vat = typeof outputs.vat === "string" ? outputs.vat : undefined;
  const total = typeof outputs.total === "string" ? outputs.total : undefined;
  return (
    <article className="process" aria-labelledby={`process-${process.id}`}>
      <h2 id={`process-${process.id}`}>{process.subject}</h2>
      <dl className="facts">
        <dt>{t("inbox.amount")}</dt>
        <dd>
          <Amount amount={process.amount} />
        </dd>
        {vat ? (
          <>
            <dt>{t("process.vat")}</dt>
            <dd>
              <Amount amount={vat} />
            </dd>
          </>
        ) : null}
        {total ? (
          <>
            <dt>{t("process.total")}</dt>
            <dd>
              <Amount amount={total} />
            </dd>
          </>
        ) : null}
        <dt>{t("process.requester")}</dt>
        <dd>{person(process.initiatorId)}</dd>
        <dt>{t("common.status")}</dt>
        <dd>
          <StatusBadge status={process.status} />
        </dd>
      </dl>
      {task ? (
        <>
          <Decide task={task} />
          <Delegate task={task} />
        </>
      ) : null}
      <h3>{t("process.steps")}</h3>
      <ol className="steps">
        {tasks.map((step) => (
          <li key={step.id}>
            {t("inbox.step")} {num(step.step)}: {person(step.assigneeId)} —{" "}
            <StatusBadge status={step.status} />
            {step.decidedAt ? <span className="muted"> {date(step.decidedAt)}</span> : null}
          </li>
        ))}
      </ol>
      <Attachments processId={process.id} />
      <h3>{t("process.history")}</h3>
      <DataTable
        className="history"
        rows={history}
        rowKey={(entry) => entry.id}
        columns={[
          { header: t("common.when"), cell: (entry) => date(entry.at) },
          { header: t("common.who"), cell: (entry) => (entry.actorId ? person(entry.actorId) : "—") },
          { header: t("common.actions"), cell: (entry) => t(`action.${entry.action}` as MessageKey) },
          { header: t("task.comment"), cell: (entry) => entry.comment ?? "" },
        ]}
      />
    </article>
  );
}

/** `/processes/$processId`: a request on its own page (where a submitted request lands). */
export function ProcessScreen() {
  const { processId } = useParams({ strict: false }) as { processId: string };
  return (
    <section className="card">
      <ProcessDetail processId={processId} />
    </section>
  );
}
