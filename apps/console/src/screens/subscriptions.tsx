import { useQuery } from "@tanstack/react-query";
import type { RouterInputs } from "@vextrus/client";
import { useState } from "react";
import { useApi } from "../api.tsx";
import { DataTable } from "../components/data-table.tsx";
import { ErrorBanner, SelectField } from "../components/form.tsx";
import { useApiMutation } from "../components/mutate.ts";
import { shownError } from "../errors.ts";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";

type AddInput = RouterInputs["notification"]["subscriptions"]["add"];
type Kind = AddInput["kind"];
/** The messages notification lets a role, department or designation subscribe to (its SUBSCRIBABLE). */
const TEMPLATES = [
  "task_assigned",
  "task_escalated",
  "process_approved",
  "process_rejected",
  "process_returned",
] as const satisfies readonly AddInput["templateKey"][];
const isTemplate = (value: string): value is AddInput["templateKey"] =>
  (TEMPLATES as readonly string[]).includes(value);
const KINDS = ["role", "department", "designation"] as const satisfies readonly Kind[];
const isKind = (value: string): value is Kind => (KINDS as readonly string[]).includes(value);

/**
 * The company's subscriptions (`notification.subscriptions.*`): a kind of message also sent to
 * everyone holding a role, working in a department or holding a designation. Shown to whoever may read them; a user
 * without `notification:subscription:read` does not see the section at all.
 */
export function SubscriptionsSettings() {
  const { t, locale, date } = useI18n();
  const { api } = useApi();
  const q = queries(api);
  const list = useQuery(q.subscriptions());
  const roles = useQuery({ ...q.roles(), enabled: list.isSuccess });
  const departments = useQuery({ ...q.departments(), enabled: list.isSuccess });
  const designations = useQuery({ ...q.designations(), enabled: list.isSuccess });
  const [templateKey, setTemplateKey] = useState<AddInput["templateKey"]>("process_approved");
  const [kind, setKind] = useState<Kind>("role");
  const [targetId, setTargetId] = useState("");
  const add = useApiMutation(
    () => api.notification.subscriptions.add.mutate({ templateKey, kind, targetId }),
    ["notification.subscriptions"],
    () => setTargetId(""),
  );
  const remove = useApiMutation(
    (id: string) => api.notification.subscriptions.remove.mutate({ id }),
    ["notification.subscriptions"],
  );
  if (shownError(list.error)?.code === "FORBIDDEN") {
    return null;
  }
  const roleName = new Map((roles.data ?? []).map((r) => [r.id, r.name]));
  const departmentName = new Map(
    (departments.data?.items ?? []).map((d) => [d.id, locale === "bn" && d.nameBn ? d.nameBn : d.name]),
  );
  const designationName = new Map(
    (designations.data?.items ?? []).map((d) => [d.id, locale === "bn" && d.nameBn ? d.nameBn : d.name]),
  );
  const namesOf = { role: roleName, department: departmentName, designation: designationName };
  const names = namesOf[kind];
  const targetOf = (k: Kind, id: string) =>
    `${t(`subs.kind.${k}`)}: ${namesOf[k].get(id) ?? `${id.slice(0, 8)}…`}`;
  const f = add.fields;
  return (
    <section className="card narrow" aria-labelledby="subs-title">
      <h2 id="subs-title">{t("subs.title")}</h2>
      <p className="muted">{t("subs.hint")}</p>
      <ErrorBanner error={list.error ?? remove.error} />
      <DataTable
        caption={t("subs.title")}
        rows={list.data}
        rowKey={(s) => s.id}
        columns={[
          { header: t("subs.template"), cell: (s) => t(`subs.template.${s.templateKey}` as MessageKey) },
          { header: t("subs.target"), cell: (s) => targetOf(s.kind, s.targetId) },
          { header: t("common.when"), cell: (s) => date(s.createdAt) },
          {
            header: t("common.actions"),
            hideHeader: true,
            cell: (s) => (
              <button
                type="button"
                onClick={() => remove.mutate(s.id)}
                disabled={remove.isPending}
                aria-label={`${t("subs.remove")}: ${t(`subs.template.${s.templateKey}` as MessageKey)}, ${targetOf(s.kind, s.targetId)}`}
              >
                {t("subs.remove")}
              </button>
            ),
          },
        ]}
      />
      <form
        noValidate
        aria-label={t("subs.add")}
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate(undefined);
        }}
      >
        <h3>{t("subs.add")}</h3>
        <div className="row">
          <SelectField
            label={t("subs.template")}
            value={templateKey}
            error={f.templateKey}
            onChange={(e) => {
              if (isTemplate(e.target.value)) {
                setTemplateKey(e.target.value);
              }
            }}
            options={TEMPLATES.map((value) => ({ value, label: t(`subs.template.${value}`) }))}
          />
          <SelectField
            label={t("subs.kind")}
            value={kind}
            error={f.kind}
            onChange={(e) => {
              setKind(isKind(e.target.value) ? e.target.value : "role");
              setTargetId("");
            }}
            options={KINDS.map((value) => ({
              value,
              label: t(`subs.kind.${value}`),
            }))}
          />
          <SelectField
            label={t(`subs.kind.${kind}`)}
            value={targetId}
            error={f.targetId}
            onChange={(e) => setTargetId(e.target.value)}
            options={[...names].map(([value, label]) => ({ value, label }))}
          />
        </div>
        <ErrorBanner error={add.error} />
        <button type="submit" disabled={add.isPending}>
          {t("subs.add")}
        </button>
      </form>
    </section>
  );
}
