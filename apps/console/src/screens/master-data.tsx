import { useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@vextrus/client";
import { type FormEvent, useState } from "react";
import { useApi } from "../api.tsx";
import { ErrorBanner, formValues, InputField, Notice, SelectField } from "../components/form.tsx";
import { useApiMutation } from "../components/mutate.ts";
import { useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";

type Party = RouterOutputs["masterData"]["parties"]["list"]["items"][number];
const ROLES = ["supplier", "contractor", "subcontractor", "customer", "consultant", "landowner"] as const;

/** Create or edit a party; BIN, e-TIN and mobile are checked by the API, whose messages show here. */
function PartyForm({ party, onDone }: { party: Party | null; onDone: () => void }) {
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
        <InputField label={t("common.name")} name="name" defaultValue={party?.name ?? ""} error={f.name} />
        <InputField
          label={t("common.nameBn")}
          name="nameBn"
          lang="bn"
          optional
          defaultValue={party?.nameBn ?? ""}
          error={f.nameBn}
        />
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
          <button type="button" onClick={onDone}>
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
  const parties = useQuery(queries(api).parties(search.trim()));
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
      <table className="wide">
        <thead>
          <tr>
            <th scope="col">{t("common.name")}</th>
            <th scope="col">{t("auth.bin")}</th>
            <th scope="col">{t("md.etin")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("common.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(parties.data?.items ?? []).map((p) => (
            <tr key={p.id}>
              <td>
                {locale === "bn" && p.nameBn ? p.nameBn : p.name}
                {p.nameBn && locale !== "bn" ? (
                  <span className="muted" lang="bn">
                    {" "}
                    · {p.nameBn}
                  </span>
                ) : null}
              </td>
              <td>{p.bin ?? "—"}</td>
              <td>{p.etin ?? "—"}</td>
              <td>
                <button
                  type="button"
                  onClick={() => setEditing(p)}
                  aria-label={`${t("common.edit")}: ${p.name}`}
                >
                  {t("common.edit")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {parties.data && parties.data.items.length === 0 ? <p>{t("common.none")}</p> : null}
      {saved > 0 ? <Notice>{t("common.saved")}</Notice> : null}
      <PartyForm
        key={editing ? `${editing.id}-${editing.version}` : `new-${saved}`}
        party={editing}
        onDone={() => {
          setEditing(null);
          setSaved((n) => n + 1);
        }}
      />
    </section>
  );
}

function Items() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const q = queries(api);
  const [search, setSearch] = useState("");
  const items = useQuery(q.items(search.trim()));
  const units = useQuery(q.units());
  const create = useApiMutation(
    (v: Record<string, string>) =>
      api.masterData.items.create.mutate({
        code: v.code ?? "",
        name: v.name ?? "",
        baseUnitId: v.baseUnitId ?? "",
        ...(v.nameBn ? { nameBn: v.nameBn } : {}),
        ...(v.hsCode ? { hsCode: v.hsCode } : {}),
      }),
    ["masterData.items.list"],
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
      <table className="wide">
        <thead>
          <tr>
            <th scope="col">{t("md.code")}</th>
            <th scope="col">{t("common.name")}</th>
            <th scope="col">{t("md.unit")}</th>
          </tr>
        </thead>
        <tbody>
          {(items.data?.items ?? []).map((item) => (
            <tr key={item.id}>
              <td>{item.code}</td>
              <td>{locale === "bn" && item.nameBn ? item.nameBn : item.name}</td>
              <td>{unitName.get(item.baseUnitId) ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        noValidate
        aria-label={t("md.newItem")}
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          create.mutate(formValues(form), { onSuccess: () => form.reset() });
        }}
      >
        <h3>{t("md.newItem")}</h3>
        <div className="row">
          <InputField label={t("md.code")} name="code" error={create.fields.code} />
          <InputField label={t("common.name")} name="name" error={create.fields.name} />
          <InputField
            label={t("common.nameBn")}
            name="nameBn"
            lang="bn"
            optional
            error={create.fields.nameBn}
          />
          <SelectField
            label={t("md.unit")}
            name="baseUnitId"
            error={create.fields.baseUnitId}
            options={[...unitName].map(([value, label]) => ({ value, label }))}
          />
          <InputField label={t("md.hsCode")} name="hsCode" optional error={create.fields.hsCode} />
        </div>
        <ErrorBanner error={create.error} />
        <button type="submit" disabled={create.isPending}>
          {t("common.create")}
        </button>
      </form>
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
