import { useQuery } from "@tanstack/react-query";
import { type DragEvent, type FormEvent, useState } from "react";
import { useApi } from "../api.tsx";
import { DataTable } from "../components/data-table.tsx";
import { ErrorBanner, formValues, InputField, NameFields, SelectField } from "../components/form.tsx";
import { useApiMutation } from "../components/mutate.ts";
import { usePeople } from "../components/people.ts";
import { useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";
import { Amount } from "./process.tsx";

type Submit = (event: FormEvent<HTMLFormElement>) => void;
const onSubmit =
  (run: (values: Record<string, string>, form: HTMLFormElement) => void): Submit =>
  (event) => {
    event.preventDefault();
    run(formValues(event.currentTarget), event.currentTarget);
  };
const named = (name: string, nameBn: string | null | undefined, locale: string) =>
  locale === "bn" && nameBn ? nameBn : name;

function Companies() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const companies = useQuery(queries(api).companies());
  const create = useApiMutation(
    (v: Record<string, string>) =>
      api.organization.companies.create.mutate({
        name: v.name ?? "",
        ...(v.nameBn ? { nameBn: v.nameBn } : {}),
        ...(v.bin ? { bin: v.bin } : {}),
      }),
    ["organization.companies.list"],
  );
  return (
    <section className="card" aria-labelledby="companies-title">
      <h2 id="companies-title">{t("org.companies")}</h2>
      <ul>
        {(companies.data?.items ?? []).map((c) => (
          <li key={c.id}>
            {named(c.name, c.nameBn, locale)}
            {c.bin ? (
              <span className="muted">
                {" "}
                · {t("auth.bin")} {c.bin}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <form
        noValidate
        aria-label={t("org.companies")}
        onSubmit={onSubmit((v, form) => create.mutate(v, { onSuccess: () => form.reset() }))}
      >
        <div className="row">
          <NameFields fields={create.fields} />
          <InputField
            label={t("auth.bin")}
            name="bin"
            optional
            inputMode="numeric"
            error={create.fields.bin}
          />
        </div>
        <ErrorBanner error={create.error} />
        <button type="submit" disabled={create.isPending}>
          {t("common.create")}
        </button>
      </form>
    </section>
  );
}

/** Branches of the companies (site offices, regional offices) with their address. */
function Branches() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const q = queries(api);
  const branches = useQuery(q.branches());
  const companies = useQuery(q.companies());
  const companyName = new Map(
    (companies.data?.items ?? []).map((c) => [c.id, named(c.name, c.nameBn, locale)]),
  );
  const create = useApiMutation(
    (v: Record<string, string>) =>
      api.organization.branches.create.mutate({
        companyId: v.companyId ?? "",
        name: v.name ?? "",
        ...(v.nameBn ? { nameBn: v.nameBn } : {}),
        ...(v.address ? { address: v.address } : {}),
        ...(v.district ? { district: v.district } : {}),
        ...(v.postcode ? { postcode: v.postcode } : {}),
      }),
    ["organization.branches.list"],
  );
  return (
    <section className="card" aria-labelledby="branches-title">
      <h2 id="branches-title">{t("org.branches")}</h2>
      <DataTable
        rows={branches.data?.items}
        rowKey={(b) => b.id}
        columns={[
          { header: t("common.name"), cell: (b) => named(b.name, b.nameBn, locale) },
          { header: t("org.company"), cell: (b) => companyName.get(b.companyId) ?? "—" },
          { header: t("org.district"), cell: (b) => b.district ?? "—" },
        ]}
      />
      <form
        noValidate
        aria-label={t("org.branches")}
        onSubmit={onSubmit((v, form) => create.mutate(v, { onSuccess: () => form.reset() }))}
      >
        <div className="row">
          <SelectField
            label={t("org.company")}
            name="companyId"
            error={create.fields.companyId}
            options={[...companyName].map(([value, label]) => ({ value, label }))}
          />
          <NameFields fields={create.fields} />
          <InputField label={t("org.branchAddress")} name="address" optional error={create.fields.address} />
          <InputField label={t("org.district")} name="district" optional error={create.fields.district} />
          <InputField
            label={t("org.postcode")}
            name="postcode"
            optional
            inputMode="numeric"
            error={create.fields.postcode}
          />
        </div>
        <ErrorBanner error={create.error} />
        <button type="submit" disabled={create.isPending}>
          {t("common.create")}
        </button>
      </form>
    </section>
  );
}

interface TreeNode {
  id: string;
  name: string;
  nameBn: string | null;
  version: number;
  parentId: string | null;
  children: TreeNode[];
}

const flatten = (nodes: TreeNode[], depth = 0): { node: TreeNode; depth: number }[] =>
  nodes.flatMap((node) => [{ node, depth }, ...flatten(node.children, depth + 1)]);

/** The department tree: create, and re-parent by dragging onto another department or with the form. */
function Departments() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const q = queries(api);
  const tree = useQuery(q.departmentTree());
  const companies = useQuery(q.companies());
  const [dragged, setDragged] = useState<TreeNode | null>(null);
  const nodes = (tree.data ?? []) as TreeNode[];
  const all = flatten(nodes);
  const refresh = ["organization.departments"];
  const create = useApiMutation(
    (v: Record<string, string>) =>
      api.organization.departments.create.mutate({
        companyId: v.companyId ?? "",
        name: v.name ?? "",
        ...(v.nameBn ? { nameBn: v.nameBn } : {}),
        ...(v.parentId ? { parentId: v.parentId } : {}),
      }),
    refresh,
  );
  const move = useApiMutation(
    ({ node, parentId }: { node: TreeNode; parentId: string | null }) =>
      api.organization.departments.update.mutate({ id: node.id, parentId, expectedVersion: node.version }),
    refresh,
  );
  const label = (node: TreeNode) => named(node.name, node.nameBn, locale);
  const drop = (target: TreeNode | null) => (event: DragEvent) => {
    event.preventDefault();
    if (dragged && dragged.id !== target?.id) {
      move.mutate({ node: dragged, parentId: target?.id ?? null });
    }
    setDragged(null);
  };
  const renderTree = (list: TreeNode[]) => (
    <ul className="tree">
      {list.map((node) => (
        // Dragging is the mouse shortcut; the "Move" form below does the same from the keyboard.
        <li
          key={node.id}
          draggable
          onDragStart={(event) => {
            event.stopPropagation();
            setDragged(node);
          }}
          onDragOver={(event) => event.preventDefault()}
          onDrop={(event) => {
            event.stopPropagation();
            drop(node)(event);
          }}
        >
          <span className="dept">{label(node)}</span>
          {node.children.length > 0 ? renderTree(node.children) : null}
        </li>
      ))}
    </ul>
  );
  const departmentOptions = all.map(({ node, depth }) => ({
    value: node.id,
    label: `${"— ".repeat(depth)}${label(node)}`,
  }));
  return (
    <section className="card" aria-labelledby="departments-title">
      <h2 id="departments-title">{t("org.departments")}</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping on the list's background moves a department to the top */}
      <div onDragOver={(event) => event.preventDefault()} onDrop={drop(null)}>
        {nodes.length > 0 ? renderTree(nodes) : <p>{t("common.none")}</p>}
      </div>
      <ErrorBanner error={move.error} />
      {all.length > 1 ? (
        <form
          noValidate
          aria-label={t("org.move")}
          onSubmit={onSubmit((v) => {
            const node = all.find((entry) => entry.node.id === v.departmentId)?.node;
            if (node) {
              move.mutate({ node, parentId: v.parentId ?? null });
            }
          })}
        >
          <div className="row">
            <SelectField label={t("org.department")} name="departmentId" options={departmentOptions} />
            <SelectField label={t("org.parent")} name="parentId" options={departmentOptions} optional />
            <button type="submit" disabled={move.isPending}>
              {t("org.move")}
            </button>
          </div>
        </form>
      ) : null}
      <form
        noValidate
        aria-label={t("org.departments")}
        onSubmit={onSubmit((v, form) => create.mutate(v, { onSuccess: () => form.reset() }))}
      >
        <div className="row">
          <SelectField
            label={t("org.company")}
            name="companyId"
            error={create.fields.companyId}
            options={(companies.data?.items ?? []).map((c) => ({
              value: c.id,
              label: named(c.name, c.nameBn, locale),
            }))}
          />
          <SelectField label={t("org.parent")} name="parentId" options={departmentOptions} optional />
          <NameFields fields={create.fields} />
        </div>
        <ErrorBanner error={create.error} />
        <button type="submit" disabled={create.isPending}>
          {t("common.create")}
        </button>
      </form>
    </section>
  );
}

function Designations() {
  const { t, locale, num } = useI18n();
  const { api } = useApi();
  const designations = useQuery(queries(api).designations());
  const create = useApiMutation(
    (v: Record<string, string>) =>
      api.organization.designations.create.mutate({
        name: v.name ?? "",
        ...(v.nameBn ? { nameBn: v.nameBn } : {}),
        rank: Number(v.rank ?? Number.NaN),
        approvalLimit: v.approvalLimit ?? "",
      }),
    ["organization.designations.list"],
  );
  return (
    <section className="card" aria-labelledby="designations-title">
      <h2 id="designations-title">{t("org.designations")}</h2>
      <DataTable
        rows={designations.data?.items}
        rowKey={(d) => d.id}
        columns={[
          { header: t("common.name"), cell: (d) => named(d.name, d.nameBn, locale) },
          { header: t("org.rank"), cell: (d) => num(d.rank) },
          { header: t("org.limit"), cell: (d) => <Amount amount={d.approvalLimit} /> },
        ]}
      />
      <form
        noValidate
        aria-label={t("org.designations")}
        onSubmit={onSubmit((v, form) => create.mutate(v, { onSuccess: () => form.reset() }))}
      >
        <div className="row">
          <NameFields fields={create.fields} />
          <InputField label={t("org.rank")} name="rank" inputMode="numeric" error={create.fields.rank} />
          <InputField
            label={t("org.limit")}
            name="approvalLimit"
            inputMode="decimal"
            error={create.fields.approvalLimit}
          />
        </div>
        <ErrorBanner error={create.error} />
        <button type="submit" disabled={create.isPending}>
          {t("common.create")}
        </button>
      </form>
    </section>
  );
}

/** Invites people (with a role) and shows the link they accept the invitation with. */
function People() {
  const { t } = useI18n();
  const { api } = useApi();
  const q = queries(api);
  const users = useQuery(q.users());
  const roles = useQuery(q.roles());
  const [invited, setInvited] = useState<string[]>([]);
  const invite = useApiMutation(
    (v: Record<string, string>) =>
      api.auth.users.invite.mutate({
        name: v.name ?? "",
        email: v.email ?? "",
        ...(v.mobile ? { mobile: v.mobile } : {}),
        roleIds: v.roleId ? [v.roleId] : [],
      }),
    ["auth.users.list"],
    // The link goes to the invited address only (notification mails it); it lands on /accept-invite.
    (_result, v) => setInvited((list) => [...list, v.email ?? ""]),
  );
  return (
    <section className="card" aria-labelledby="people-title">
      <h2 id="people-title">{t("org.people")}</h2>
      <ErrorBanner error={users.error ?? roles.error} />
      <ul>
        {(users.data?.items ?? []).map((u) => (
          <li key={u.id}>
            {u.name}{" "}
            <span className="muted">
              · {u.email ?? u.mobile} · {u.status}
            </span>
          </li>
        ))}
      </ul>
      <form
        noValidate
        aria-label={t("org.invite")}
        onSubmit={onSubmit((v, form) => invite.mutate(v, { onSuccess: () => form.reset() }))}
      >
        <div className="row">
          <InputField label={t("common.name")} name="name" error={invite.fields.name} />
          <InputField label={t("auth.email")} name="email" type="email" error={invite.fields.email} />
          <InputField
            label={t("auth.mobile")}
            name="mobile"
            type="tel"
            optional
            error={invite.fields.mobile}
          />
          <SelectField
            label={t("org.role")}
            name="roleId"
            error={invite.fields.roleIds}
            options={(roles.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
          />
        </div>
        <ErrorBanner error={invite.error} />
        <button type="submit" disabled={invite.isPending}>
          {t("org.invite")}
        </button>
      </form>
      {invited.map((email) => (
        <p key={email} className="banner banner-ok invite-link" role="status">
          {t("org.invited", { email })}
        </p>
      ))}
    </section>
  );
}

function Memberships() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const q = queries(api);
  const person = usePeople();
  const memberships = useQuery(q.memberships());
  const users = useQuery(q.users());
  const companies = useQuery(q.companies());
  const departments = useQuery(q.departments());
  const designations = useQuery(q.designations());
  const create = useApiMutation(
    (v: Record<string, string>) =>
      api.organization.memberships.create.mutate({
        userId: v.userId ?? "",
        companyId: v.companyId ?? "",
        departmentId: v.departmentId ?? "",
        designationId: v.designationId ?? "",
        ...(v.reportsToUserId ? { reportsToUserId: v.reportsToUserId } : {}),
      }),
    ["organization.memberships.list"],
  );
  const designationName = new Map(
    (designations.data?.items ?? []).map((d) => [d.id, named(d.name, d.nameBn, locale)]),
  );
  const people = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }));
  return (
    <section className="card" aria-labelledby="memberships-title">
      <h2 id="memberships-title">{t("org.memberships")}</h2>
      <DataTable
        rows={memberships.data?.items}
        rowKey={(m) => m.id}
        columns={[
          { header: t("org.user"), cell: (m) => person(m.userId) },
          { header: t("org.designation"), cell: (m) => designationName.get(m.designationId) ?? "—" },
          {
            header: t("org.reportsTo"),
            cell: (m) => (m.reportsToUserId ? person(m.reportsToUserId) : t("org.nobody")),
          },
        ]}
      />
      <form
        noValidate
        aria-label={t("org.memberships")}
        onSubmit={onSubmit((v, form) => create.mutate(v, { onSuccess: () => form.reset() }))}
      >
        <div className="row">
          <SelectField label={t("org.user")} name="userId" error={create.fields.userId} options={people} />
          <SelectField
            label={t("org.company")}
            name="companyId"
            error={create.fields.companyId}
            options={(companies.data?.items ?? []).map((c) => ({
              value: c.id,
              label: named(c.name, c.nameBn, locale),
            }))}
          />
          <SelectField
            label={t("org.department")}
            name="departmentId"
            error={create.fields.departmentId}
            options={(departments.data?.items ?? []).map((d) => ({
              value: d.id,
              label: named(d.name, d.nameBn, locale),
            }))}
          />
          <SelectField
            label={t("org.designation")}
            name="designationId"
            error={create.fields.designationId}
            options={[...designationName].map(([value, label]) => ({ value, label }))}
          />
          <SelectField label={t("org.reportsTo")} name="reportsToUserId" optional options={people} />
        </div>
        <ErrorBanner error={create.error} />
        <button type="submit" disabled={create.isPending}>
          {t("common.create")}
        </button>
      </form>
    </section>
  );
}

/** The approval processes requests can start; one click adds the purchase requisition. */
function Processes() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const definitions = useQuery(queries(api).definitions());
  const add = useApiMutation(
    () =>
      api.workflow.definitions.create.mutate({
        key: "purchase.requisition",
        name: "Purchase requisition",
        nameBn: "ক্রয় অনুরোধ",
        ruleSets: ["purchase.approval", "tax.vat"],
        slaHours: 24,
      }),
    ["workflow.definitions.list"],
  );
  const items = definitions.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="processes-title">
      <h2 id="processes-title">{t("org.processes")}</h2>
      <ul>
        {items.map((d) => (
          <li key={d.id}>
            {named(d.name, d.nameBn, locale)} <span className="muted">({d.key})</span>
          </li>
        ))}
      </ul>
      <ErrorBanner error={add.error} />
      {items.some((d) => d.key === "purchase.requisition") ? null : (
        <button type="button" onClick={() => add.mutate(undefined)} disabled={add.isPending}>
          {t("org.addPurchase")}
        </button>
      )}
    </section>
  );
}

export function OrganizationScreen() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t("org.title")}</h1>
      <div className="grid">
        <Companies />
        <Branches />
        <Departments />
        <Designations />
        <People />
        <Memberships />
        <Processes />
      </div>
    </>
  );
}
