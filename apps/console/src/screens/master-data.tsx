import { type UseInfiniteQueryResult, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@vextrus/client";
import { type FormEvent, useState } from "react";
import { useApi } from "../api.tsx";
import { type Column, DataTable } from "../components/data-table.tsx";
import { ErrorBanner, formValues, InputField, NameFields, Notice, SelectField } from "../components/form.tsx";
import { useApiMutation } from "../components/mutate.ts";
import { useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";

type Party = RouterOutputs["masterData"]["parties"]["list"]["items"][number];

/** "Load more": the next page of a keyset-paginated list, shown while the API says there is one. */
function More({ list, of }: { list: UseInfiniteQueryResult<unknown>; of: string }) {
  const { t } = useI18n();
  return list.hasNextPage ? (
    <div className="buttons">
      <button
        type="button"
        onClick={() => void list.fetchNextPage()}
        disabled={list.isFetchingNextPage}
        aria-label={`${t("common.more")}: ${of}`}
      >
        {t("common.more")}
      </button>
    </div>
  ) : null;
}
/** The last column of an editable list: an Edit button, named for screen readers by the row's `name`. */
function editColumn<T>(
  text: { header: string; edit: string },
  name: (row: T) => string,
  edit: (row: T) => void,
): Column<T> {
  return {
    header: text.header,
    hideHeader: true,
    cell: (row) => (
      <button type="button" onClick={() => edit(row)} aria-label={`${text.edit}: ${name(row)}`}>
        {text.edit}
      </button>
    ),
  };
}

const ROLES = ["supplier", "contractor", "subcontractor", "customer", "consultant", "landowner"] as const;

/** Create or edit a party; BIN, e-TIN and mobile are checked by the API, whose messages show here. */
function PartyForm({
  party,
  onDone,
  onCancel,
}: {
  party: Party | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { api } = useApi();
  const save = useApiMutation(
    ({ values: v, roles }: { values: Record<string, string>; roles: string[] }) => {
      const fields = {
        name: v.name ?? "",
        roles: roles as (typeof ROLES)[number][],
        ...(v.mobile ? { mobiles: [v.mobile] } : {}),
      };
      return party
        ? api.masterData.parties.update.mutate({
            id: party.id,
            expectedVersion: party.version,
            ...fields,
            nameBn: v.nameBn ?? null,
            bin: v.bin ?? null,
            etin: v.etin ?? null,
            ...(v.mobile ? {} : { mobiles: [] }),
          })
        : api.masterData.parties.create.mutate({
            ...fields,
            ...(v.nameBn ? { nameBn: v.nameBn } : {}),
            ...(v.bin ? { bin: v.bin } : {}),
            ...(v.etin ? { etin: v.etin } : {}),
          });
    },
    ["masterData.parties.list"],
    onDone,
  );
  const f = save.fields;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const roles = new FormData(event.currentTarget).getAll("roles").map(String);
    save.mutate({ values: formValues(event.currentTarget), roles });
  };
  const title = party ? t("md.editParty") : t("md.newParty");
  return (
    <form noValidate aria-label={title} onSubmit={submit} key={party?.id ?? "new"}>
      <h3>{title}</h3>
      <div className="row">
        <NameFields fields={f} name={party?.name ?? ""} nameBn={party?.nameBn ?? null} />
      </div>
      <fieldset>
        <legend>{t("md.kind")}</legend>
        {ROLES.map((role) => (
          <label key={role} className="radio">
            <input
              type="checkbox"
              name="roles"
              value={role}
              defaultChecked={party ? party.roles.includes(role) : role === "supplier"}
            />
            <span>{t(`md.role.${role}`)}</span>
          </label>
        ))}
        {f.roles ? <small className="field-error">{f.roles}</small> : null}
      </fieldset>
      <div className="row">
        <InputField
          label={t("auth.bin")}
          name="bin"
          optional
          inputMode="numeric"
          defaultValue={party?.bin ?? ""}
          error={f.bin}
        />
        <InputField
          label={t("md.etin")}
          name="etin"
          optional
          inputMode="numeric"
          defaultValue={party?.etin ?? ""}
          error={f.etin}
        />
        <InputField
          label={t("auth.mobile")}
          name="mobile"
          type="tel"
          optional
          defaultValue={party?.mobiles[0] ?? ""}
          error={f["mobiles.0"] ?? f.mobiles}
        />
      </div>
      <ErrorBanner error={save.error} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t("common.save")}
        </button>
        {party ? (
          <button type="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function Parties() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<Party | null>(null);
  const [saved, setSaved] = useState(0);
  const parties = useInfiniteQuery(queries(api).partyPages(search.trim()));
  return (
    <section className="card" aria-labelledby="parties-title">
      <h2 id="parties-title">{t("md.parties")}</h2>
      <InputField
        label={t("md.searchHint")}
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <ErrorBanner error={parties.error} />
      <DataTable
        rows={parties.data?.pages.flatMap((page) => page.items)}
        rowKey={(p) => p.id}
        columns={[
          {
            header: t("common.name"),
            cell: (p) => (
              <>
                {locale === "bn" && p.nameBn ? p.nameBn : p.name}
                {p.nameBn && locale !== "bn" ? (
                  <span className="muted" lang="bn">
                    {" "}
                    · {p.nameBn}
                  </span>
                ) : null}
              </>
            ),
          },
          { header: t("auth.bin"), cell: (p) => p.bin ?? "—" },
          { header: t("md.etin"), cell: (p) => p.etin ?? "—" },
          editColumn<Party>(
            { header: t("common.actions"), edit: t("common.edit") },
            (p) => p.name,
            setEditing,
          ),
        ]}
      />
      <More list={parties} of={t("md.parties")} />
      {saved > 0 ? <Notice>{t("common.saved")}</Notice> : null}
      <PartyForm
        key={editing ? `${editing.id}-${editing.version}` : `new-${saved}`}
        party={editing}
        onDone={() => {
          setEditing(null);
          setSaved((n) => n + 1);
        }}
        onCancel={() => setEditing(null)}
      />
    </section>
  );
}

type Item = RouterOutputs["masterData"]["items"]["list"]["items"][number];

/**
 * Create or edit an item. The base unit is fixed once the item exists (quantities were recorded in
 * it, as `items.update` has it): editing shows it, disabled.
 */
function ItemForm({
  item,
  units,
  onDone,
  onCancel,
}: {
  item: Item | null;
  units: { value: string; label: string }[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { api } = useApi();
  const save = useApiMutation(
    (v: Record<string, string>) =>
      item
        ? api.masterData.items.update.mutate({
            id: item.id,
            expectedVersion: item.version,
            code: v.code ?? "",
            name: v.name ?? "",
            nameBn: v.nameBn || null,
            hsCode: v.hsCode || null,
          })
        : api.masterData.items.create.mutate({
            code: v.code ?? "",
            name: v.name ?? "",
            baseUnitId: v.baseUnitId ?? "",
            ...(v.nameBn ? { nameBn: v.nameBn } : {}),
            ...(v.hsCode ? { hsCode: v.hsCode } : {}),
          }),
    ["masterData.items.list"],
    onDone,
  );
  const f = save.fields;
  const title = item ? t("md.editItem") : t("md.newItem");
  return (
    <form
      noValidate
      aria-label={title}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(formValues(event.currentTarget));
      }}
    >
      <h3>{title}</h3>
      <div className="row">
        <InputField label={t("md.code")} name="code" defaultValue={item?.code ?? ""} error={f.code} />
        <NameFields fields={f} name={item?.name ?? ""} nameBn={item?.nameBn ?? null} />
        <SelectField
          label={t("md.unit")}
          name="baseUnitId"
          defaultValue={item?.baseUnitId}
          disabled={item !== null}
          error={f.baseUnitId}
          options={units}
        />
        <InputField
          label={t("md.hsCode")}
          name="hsCode"
          optional
          defaultValue={item?.hsCode ?? ""}
          error={f.hsCode}
        />
      </div>
      <ErrorBanner error={save.error} />
      <div className="buttons">
        <button type="submit" className={item ? "primary" : undefined} disabled={save.isPending}>
          {item ? t("common.save") : t("common.create")}
        </button>
        {item ? (
          <button type="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function Items() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const q = queries(api);
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<Item | null>(null);
  const [saved, setSaved] = useState(0);
  const items = useInfiniteQuery(q.itemPages(search.trim()));
  const units = useQuery(q.units());
  // A new company has no units until it takes the standard ones (an item cannot be made without one).
  const installUnits = useApiMutation(
    () => api.masterData.units.installDefaults.mutate(),
    ["masterData.units"],
  );
  const unitName = new Map(
    (units.data?.items ?? []).map((u) => [u.id, locale === "bn" && u.nameBn ? u.nameBn : u.name]),
  );
  return (
    <section className="card" aria-labelledby="items-title">
      <h2 id="items-title">{t("md.items")}</h2>
      <InputField
        label={t("md.searchHint")}
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <ErrorBanner error={items.error} />
      <DataTable
        rows={items.data?.pages.flatMap((page) => page.items)}
        rowKey={(item) => item.id}
        columns={[
          { header: t("md.code"), cell: (item) => item.code },
          {
            header: t("common.name"),
            cell: (item) => (locale === "bn" && item.nameBn ? item.nameBn : item.name),
          },
          { header: t("md.unit"), cell: (item) => unitName.get(item.baseUnitId) ?? "—" },
          editColumn<Item>(
            { header: t("common.actions"), edit: t("common.edit") },
            (item) => item.code,
            setEditing,
          ),
        ]}
      />
      <More list={items} of={t("md.items")} />
      {units.data && units.data.items.length === 0 ? (
        <div className="hint">
          <p>{t("md.noUnits")}</p>
          <ErrorBanner error={installUnits.error} />
          <button
            type="button"
            onClick={() => installUnits.mutate(undefined)}
            disabled={installUnits.isPending}
          >
            {t("md.installUnits")}
          </button>
        </div>
      ) : null}
      {saved > 0 ? <Notice>{t("common.saved")}</Notice> : null}
      <ItemForm
        key={editing ? `${editing.id}-${editing.version}` : `new-${saved}`}
        item={editing}
        units={[...unitName].map(([value, label]) => ({ value, label }))}
        onDone={() => {
          setEditing(null);
          setSaved((n) => n + 1);
        }}
        onCancel={() => setEditing(null)}
      />
    </section>
  );
}

export function MasterDataScreen() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t("md.title")}</h1>
      <div className="grid">
        <Parties />
        <Items />
      </div>
    </>
  );
}
