import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import type { RouterInputs, RouterOutputs } from "@vextrus/client";
import { useState } from "react";
import { useApi } from "../api.tsx";
import { DataTable } from "../components/data-table.tsx";
import { downloadWithToken } from "../components/files.ts";
import { ErrorBanner, formValues, InputField } from "../components/form.tsx";
import { usePeople } from "../components/people.ts";
import { useI18n } from "../i18n/index.tsx";

type Filter = Omit<RouterInputs["audit"]["events"]["list"], "cursor" | "limit">;
type Entry = RouterOutputs["audit"]["events"]["list"]["items"][number];

const csvCell = (value: unknown) => {
  const text = value instanceof Date ? value.toISOString() : String(value ?? "");
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The rows on screen as a CSV file (UTF-8 with a BOM, so spreadsheet programs read Bengali). */
function downloadCsv(entries: Entry[]): void {
  const header = ["seq", "time", "type", "subjectId", "actorId", "eventId", "hash"];
  const lines = entries.map((e) =>
    [e.seq, e.time, e.type, e.subjectId, e.actorId, e.eventId, e.hash].map(csvCell).join(","),
  );
  const blob = new Blob([`\uFEFF${[header.join(","), ...lines].join("\r\n")}\r\n`], { type: "text/csv" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = "audit-log.csv";
  link.click();
  URL.revokeObjectURL(url);
}

/** The tenant's audit log with filters, the hash chain's verification, and a CSV of what is shown. */
export function AuditScreen() {
  const { t, num, date } = useI18n();
  const { api } = useApi();
  const person = usePeople();
  const [filter, setFilter] = useState<Filter>({});
  const log = useInfiniteQuery({
    queryKey: ["audit.events.list", filter],
    queryFn: ({ pageParam }) =>
      api.audit.events.list.query({ ...filter, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const verify = useQuery({
    queryKey: ["audit.verify"],
    queryFn: () => api.audit.verify.query({}),
    enabled: false,
  });
  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];
  // Every row the filter matches, as audit's own streamed export writes it (through the gateway).
  const exportAll = useMutation({
    mutationFn: () => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) {
        if (value !== undefined) {
          query.set(key, value instanceof Date ? value.toISOString() : String(value));
        }
      }
      return downloadWithToken(api, `/audit/export.csv?${query}`, "audit.csv");
    },
  });
  const fields: Record<string, string> = {};
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <section className="card" aria-labelledby="verify-title">
        <h2 id="verify-title" className="visually-hidden">
          {t("audit.verify")}
        </h2>
        <button
          type="button"
          className="primary"
          onClick={() => void verify.refetch()}
          disabled={verify.isFetching}
        >
          {t("audit.verify")}
        </button>
        <ErrorBanner error={verify.error} />
        {verify.data ? (
          <p className={`banner ${verify.data.ok ? "banner-ok" : "banner-error"}`} role="status">
            {verify.data.ok
              ? t("audit.ok", { n: verify.data.checked })
              : t("audit.broken", { at: verify.data.firstBrokenSeq ?? 0 })}
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="log-title">
        <h2 id="log-title">{t("audit.title")}</h2>
        <form
          noValidate
          aria-label={t("audit.filter")}
          onSubmit={(event) => {
            event.preventDefault();
            const v = formValues(event.currentTarget);
            setFilter({
              ...(v.typePrefix ? { typePrefix: v.typePrefix } : {}),
              ...(v.subjectId ? { subjectId: v.subjectId } : {}),
              ...(v.from ? { from: new Date(v.from) } : {}),
              ...(v.to ? { to: new Date(v.to) } : {}),
            });
          }}
        >
          <div className="row">
            <InputField
              label={t("audit.type")}
              name="typePrefix"
              placeholder="vextrus.workflow."
              error={fields.typePrefix}
            />
            <InputField label={t("audit.subject")} name="subjectId" error={fields.subjectId} />
            <InputField label={t("audit.from")} name="from" type="date" />
            <InputField label={t("audit.to")} name="to" type="date" />
            <button type="submit">{t("audit.filter")}</button>
          </div>
        </form>
        <ErrorBanner error={log.error ?? exportAll.error} />
        <DataTable
          rows={log.data ? entries : undefined}
          rowKey={(entry) => entry.seq}
          columns={[
            { header: "#", cell: (entry) => num(entry.seq) },
            { header: t("common.when"), cell: (entry) => date(entry.time) },
            { header: t("audit.type"), cell: (entry) => <code>{entry.type}</code> },
            { header: t("audit.actor"), cell: (entry) => (entry.actorId ? person(entry.actorId) : "—") },
            { header: t("audit.subject"), cell: (entry) => <code>{entry.subjectId}</code> },
          ]}
        />
        <div className="buttons">
          {log.hasNextPage ? (
            <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {t("common.more")}
            </button>
          ) : null}
          <button type="button" onClick={() => downloadCsv(entries)} disabled={entries.length === 0}>
            {t("audit.export")}
          </button>
          <button type="button" onClick={() => exportAll.mutate()} disabled={exportAll.isPending}>
            {t("audit.exportAll")}
          </button>
        </div>
      </section>
    </>
  );
}
