import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterInputs, RouterOutputs } from "@vextrus/client";
import { useEffect, useRef, useState } from "react";
import { useApi } from "../api.tsx";
import { DataTable } from "../components/data-table.tsx";
import { base64Blob, saveBlob, uploadFile } from "../components/files.ts";
import { ErrorBanner, InputField, SelectField } from "../components/form.tsx";
import { refreshReads, useApiMutation } from "../components/mutate.ts";
import { shownError } from "../errors.ts";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";

type Import = RouterOutputs["imports"]["get"];
type Row = RouterOutputs["imports"]["rows"]["items"][number];
type Entity = RouterInputs["imports"]["create"]["entity"];
/** Every kind import-export takes (its ENTITIES): each owned and applied by master data. */
const ENTITIES = ["party", "item", "account"] as const satisfies readonly Entity[];
const isEntity = (value: string): value is Entity => (ENTITIES as readonly string[]).includes(value);
/** States a job is still working in: the screen asks again every second. */
const WORKING = new Set(["staging", "applying", "rolling_back"]);
const POLL_MS = 1_000;
/** The reads an import changes when it applies or rolls back (the owning service's lists). */
const CHANGES: Record<Entity, string[]> = {
  party: ["masterData.parties"],
  item: ["masterData.items"],
  account: ["masterData.accounts"],
};
/** States a job ends in (after it wrote, or stopped writing, records). */
const ENDS = new Set(["applied", "rolled_back", "failed"]);

const cell = (value: unknown) =>
  value === null || value === undefined || value === "" ? "—" : String(value);

/** The row-by-row preview: what each row would do, the fields an update changes, the errors of the rest. */
function Preview({ job }: { job: Import }) {
  const { t, num, locale } = useI18n();
  const { api } = useApi();
  const [only, setOnly] = useState("");
  const rows = useQuery({
    ...queries(api).importRows(job.id, only),
    // Outcomes change while it applies.
    refetchInterval: WORKING.has(job.status) ? POLL_MS : false,
  });
  const headers = Object.keys(rows.data?.items[0]?.values ?? {}).slice(0, 3);
  return (
    <section aria-labelledby="rows-title">
      <h3 id="rows-title">{t("imports.rows")}</h3>
      <SelectField
        label={t("imports.show")}
        value={only}
        onChange={(e) => setOnly(e.target.value)}
        options={(["create", "update", "unchanged", "error"] as const).map((action) => ({
          value: action,
          label: `${t(`imports.action.${action}`)} (${num(job.preview[action])})`,
        }))}
      />
      <ErrorBanner error={rows.error} />
      <DataTable
        className="import-rows"
        rows={rows.data?.items}
        rowKey={(row: Row) => row.rowNo}
        columns={[
          { header: t("imports.rowNo"), cell: (row) => num(row.rowNo) },
          {
            header: t("imports.what"),
            cell: (row) => (
              <span className={`status status-${row.action === "error" ? "rejected" : "approved"}`}>
                {t(`imports.action.${row.action}` as MessageKey)}
              </span>
            ),
          },
          ...headers.map((header) => ({ header, cell: (row: Row) => cell(row.values[header]) })),
          {
            header: t("imports.details"),
            cell: (row: Row) => (
              <ul className="plain">
                {row.diff.map((d) => (
                  <li key={d.field}>
                    <code>{d.field}</code>: <del>{cell(d.from)}</del> → <ins>{cell(d.to)}</ins>
                  </li>
                ))}
                {row.errors.map((e) => (
                  <li key={`${e.column}-${e.code}`} className="field-error">
                    {e.column}: {locale === "bn" ? e.bn : e.en}
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
    </section>
  );
}

/**
 * When a job this page watches reaches an end (applied, rolled back, failed), the records it wrote
 * are new: the owning service's lists already cached (master data's parties) and the list of imports
 * are asked again. `imports.commit` only queues the job, so refreshing when it answers is too early;
 * a job applied between two polls goes from "ready" straight to "applied", which counts too.
 */
function useJobEnd(job: Import | undefined) {
  const client = useQueryClient();
  const last = useRef<string | undefined>(undefined);
  const status = job?.status;
  const entity = job?.entity ?? "";
  useEffect(() => {
    const before = last.current;
    last.current = status;
    if (before && status && before !== status && ENDS.has(status)) {
      void refreshReads(client, ["imports.list", ...(isEntity(entity) ? CHANGES[entity] : [])]);
    }
  }, [status, entity, client]);
}

/** One import: its status, the preview, apply with a progress bar, the error file. */
function ImportJob({ id }: { id: string }) {
  const { t, num } = useI18n();
  const { api } = useApi();
  const job = useQuery({
    ...queries(api).importJob(id),
    refetchInterval: (query) => (!query.state.data || WORKING.has(query.state.data.status) ? POLL_MS : false),
  });
  const apply = useApiMutation(
    (j: Import) => api.imports.commit.mutate({ id: j.id, expectedVersion: j.version }),
    ["imports."],
  );
  const errorsFile = useMutation({
    mutationFn: () => api.imports.errors.mutate({ importId: id, format: "csv" }),
  });
  const data = job.data;
  useJobEnd(data);
  if (!data) {
    return job.error ? <ErrorBanner error={job.error} /> : <p aria-busy="true">{t("common.loading")}</p>;
  }
  const { progress } = data;
  return (
    <section className="card" aria-labelledby="job-title">
      <h2 id="job-title">{t("imports.job")}</h2>
      <p role="status">
        {t(`imports.status.${data.status}` as MessageKey)}
        {data.error ? `: ${data.error}` : ""}
      </p>
      {data.status !== "staging" ? (
        <p>
          {(["create", "update", "unchanged", "error"] as const)
            .map((action) => `${t(`imports.action.${action}`)}: ${num(data.preview[action])}`)
            .join(" · ")}
        </p>
      ) : null}
      {progress.total > 0 && (WORKING.has(data.status) || data.status === "applied") ? (
        <div className="progress">
          <label htmlFor={`progress-${id}`}>
            {t("imports.progress", { done: progress.done, total: progress.total, failed: progress.failed })}
          </label>
          <progress id={`progress-${id}`} max={progress.total} value={progress.done} />
        </div>
      ) : null}
      <ErrorBanner error={apply.error ?? errorsFile.error} />
      <div className="buttons">
        {data.status === "ready" ? (
          <button
            type="button"
            className="primary"
            onClick={() => apply.mutate(data)}
            disabled={apply.isPending}
          >
            {t("imports.apply")}
          </button>
        ) : null}
        {data.preview.error > 0 || progress.failed > 0 ? (
          <button type="button" onClick={() => errorsFile.mutate()} disabled={errorsFile.isPending}>
            {t("imports.errorsFile")}
          </button>
        ) : null}
        {errorsFile.data ? (
          // A short-lived link from file storage, answered as an attachment with the file's name.
          <a className="button" href={errorsFile.data.downloadUrl} download>
            {t("imports.downloadErrors", { n: errorsFile.data.rows })}
          </a>
        ) : null}
      </div>
      {data.status !== "staging" ? <Preview job={data} /> : null}
    </section>
  );
}

/**
 * A chart of accounts names each row's company by its id (`companyId`, as `accounts.create` takes it):
 * the tenant's companies and their ids, to copy into the spreadsheet.
 */
function CompanyIds() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const companies = useQuery(queries(api).companies());
  return (
    <div className="hint">
      <p>{t("imports.companyIds")}</p>
      <ErrorBanner error={companies.error} />
      <ul className="plain">
        {(companies.data?.items ?? []).map((c) => (
          <li key={c.id}>
            {locale === "bn" && c.nameBn ? c.nameBn : c.name}: <code>{c.id}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Imports: a spreadsheet of parties, items or a chart of accounts uploaded to file storage, previewed
 * row by row, then applied.
 */
export function ImportsScreen() {
  const { t, date } = useI18n();
  const { api } = useApi();
  const [entity, setEntity] = useState<Entity>("party");
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<"create" | "upsert">("create");
  const [keyColumn, setKeyColumn] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery(queries(api).imports());
  const template = useMutation({
    mutationFn: async (format: "csv" | "xlsx") => {
      const file = await api.imports.template.query({ entity, format });
      saveBlob(base64Blob(file.base64, file.contentType), file.fileName);
    },
  });
  const start = useApiMutation(
    async () => {
      if (!file) {
        throw new Error(t("imports.chooseFile"));
      }
      const uploaded = await uploadFile(api, file);
      return api.imports.create.mutate({
        entity,
        fileId: uploaded.id,
        mode,
        ...(keyColumn.trim() ? { keyColumn: keyColumn.trim() } : {}),
      });
    },
    ["imports.list"],
    (created) => setOpen(created.id),
  );
  const fields = shownError(start.error)?.fields ?? {};
  return (
    <>
      <h1>{t("imports.title")}</h1>
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">{t("imports.upload")}</h2>
        <SelectField
          label={t("imports.entity")}
          value={entity}
          onChange={(e) => {
            if (isEntity(e.target.value)) {
              setEntity(e.target.value);
            }
          }}
          options={ENTITIES.map((value) => ({ value, label: t(`imports.entity.${value}`) }))}
        />
        <p>
          {t("imports.templateHint")}{" "}
          <button type="button" className="link" onClick={() => template.mutate("xlsx")}>
            {t("imports.templateXlsx")}
          </button>{" "}
          <button type="button" className="link" onClick={() => template.mutate("csv")}>
            {t("imports.templateCsv")}
          </button>
        </p>
        <ErrorBanner error={template.error} />
        {entity === "account" ? <CompanyIds /> : null}
        <form
          noValidate
          aria-label={t("imports.upload")}
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate(undefined);
          }}
        >
          <div className="row">
            <InputField
              label={t("imports.file")}
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              error={fields.fileId}
            />
            <SelectField
              label={t("imports.mode")}
              value={mode}
              onChange={(e) => setMode(e.target.value === "upsert" ? "upsert" : "create")}
              options={[
                { value: "create", label: t("imports.mode.create") },
                { value: "upsert", label: t("imports.mode.upsert") },
              ]}
            />
            <InputField
              label={t("imports.keyColumn")}
              optional
              value={keyColumn}
              onChange={(e) => setKeyColumn(e.target.value)}
              error={fields.keyColumn}
            />
          </div>
          <ErrorBanner error={start.error} />
          <button type="submit" className="primary" disabled={start.isPending}>
            {t("imports.start")}
          </button>
        </form>
      </section>
      {open ? <ImportJob key={open} id={open} /> : null}
      <section className="card" aria-labelledby="imports-list-title">
        <h2 id="imports-list-title">{t("imports.list")}</h2>
        <ErrorBanner error={list.error} />
        <DataTable
          rows={list.data?.items}
          rowKey={(job) => job.id}
          current={(job) => job.id === open}
          columns={[
            { header: t("common.when"), cell: (job) => date(job.createdAt) },
            {
              header: t("imports.entity"),
              cell: (job) => (isEntity(job.entity) ? t(`imports.entity.${job.entity}`) : job.entity),
            },
            { header: t("common.status"), cell: (job) => t(`imports.status.${job.status}` as MessageKey) },
            {
              header: t("common.actions"),
              hideHeader: true,
              cell: (job) => (
                <button
                  type="button"
                  onClick={() => setOpen(job.id)}
                  aria-label={`${t("inbox.open")}: ${date(job.createdAt)}`}
                >
                  {t("inbox.open")}
                </button>
              ),
            },
          ]}
        />
      </section>
    </>
  );
}
