import { useMutation, useQuery } from "@tanstack/react-query";
import type { RouterInputs, RouterOutputs } from "@vextrus/client";
import { type ChangeEvent, useEffect, useState } from "react";
import { useApi } from "../api.tsx";
import { DataTable } from "../components/data-table.tsx";
import { base64Blob, saveBlob, sha256Hex } from "../components/files.ts";
import { ErrorBanner, InputField, Notice, SelectField } from "../components/form.tsx";
import { useApiMutation } from "../components/mutate.ts";
import { shownError } from "../errors.ts";
import { type Locale, useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";
import { normalizeAmount } from "./new-request.tsx";
import { Amount } from "./process.tsx";

type Mushak63 = Extract<RouterInputs["documents"]["issue"], { template: "mushak-6.3" }>;
type IssuedDocument = RouterOutputs["documents"]["list"]["items"][number];

interface Line {
  description: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  vatRate: string;
  sdRate: string;
}

const NEW_LINE: Line = { description: "", unit: "", quantity: "", unitPrice: "", vatRate: "15", sdRate: "0" };
const INVOICE = {
  number: "",
  sellerName: "",
  sellerBin: "",
  sellerAddress: "",
  buyerName: "",
  buyerBin: "",
  buyerAddress: "",
  destination: "",
  vehicleType: "",
  vehicleNumber: "",
  officerName: "",
  officerDesignation: "",
};
type Invoice = typeof INVOICE;

/** A typed number (Bengali digits and lakh commas accepted); empty stays NaN so the API names the field. */
const asNumber = (typed: string) => (typed.trim() === "" ? Number.NaN : Number(normalizeAmount(typed)));

function request(invoice: Invoice, lines: Line[], locale: Locale): Mushak63 {
  const vehicle =
    invoice.vehicleType || invoice.vehicleNumber
      ? { vehicle: { type: invoice.vehicleType, number: invoice.vehicleNumber } }
      : {};
  return {
    template: "mushak-6.3",
    locale,
    data: {
      number: invoice.number,
      seller: { name: invoice.sellerName, bin: invoice.sellerBin, address: invoice.sellerAddress },
      buyer: { name: invoice.buyerName, bin: invoice.buyerBin, address: invoice.buyerAddress },
      destination: invoice.destination,
      ...vehicle,
      lines: lines.map((line) => ({
        description: line.description,
        unit: line.unit,
        quantity: asNumber(line.quantity),
        unitPrice: normalizeAmount(line.unitPrice),
        vatRate: asNumber(line.vatRate),
        sdRate: asNumber(line.sdRate),
      })),
      officer: { name: invoice.officerName, designation: invoice.officerDesignation },
      banglaDate: locale === "bn",
    },
  };
}

/** A PDF (base64) shown in the page while it is open; its blob URL is released afterwards. */
function PdfPreview({ base64, title }: { base64: string; title: string }) {
  const [url, setUrl] = useState("");
  useEffect(() => {
    const next = URL.createObjectURL(base64Blob(base64, "application/pdf"));
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [base64]);
  return url ? <iframe className="pdf" title={title} src={url} /> : null;
}

/** The Mushak-6.3 form: preview (nothing stored) or issue (stored, numbered, verifiable). */
function InvoiceForm({ onIssued }: { onIssued: (doc: IssuedDocument) => void }) {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const q = queries(api);
  const companies = useQuery(q.companies());
  const parties = useQuery(q.parties(""));
  const [invoice, setInvoice] = useState<Invoice>(INVOICE);
  const [lines, setLines] = useState<Line[]>([NEW_LINE]);
  const [docLocale, setDocLocale] = useState<Locale>(locale);
  const company = companies.data?.items[0];
  // The seller is the company itself, once its record has loaded (still editable).
  useEffect(() => {
    if (company) {
      setInvoice((v) =>
        v.sellerName ? v : { ...v, sellerName: company.nameBn ?? company.name, sellerBin: company.bin ?? "" },
      );
    }
  }, [company]);
  const preview = useMutation({
    mutationFn: () => api.documents.render.mutate(request(invoice, lines, docLocale)),
  });
  const issue = useApiMutation(
    () => api.documents.issue.mutate(request(invoice, lines, docLocale)),
    ["documents.list"],
    (doc) => onIssued(doc),
  );
  const f = { ...shownError(preview.error)?.fields, ...issue.fields };
  const set = (key: keyof Invoice) => (e: ChangeEvent<HTMLInputElement>) =>
    setInvoice((v) => ({ ...v, [key]: e.target.value }));
  const setLine = (i: number, key: keyof Line) => (e: ChangeEvent<HTMLInputElement>) =>
    setLines((all) => all.map((line, j) => (j === i ? { ...line, [key]: e.target.value } : line)));
  const text = (key: keyof Invoice, label: string, path: string, extra: Record<string, unknown> = {}) => (
    <InputField label={label} value={invoice[key]} onChange={set(key)} error={f[`data.${path}`]} {...extra} />
  );
  return (
    <form noValidate aria-label={t("docs.form")} onSubmit={(e) => e.preventDefault()}>
      <h2>{t("docs.form")}</h2>
      <div className="row">
        {text("number", t("docs.number"), "number")}
        <SelectField
          label={t("docs.language")}
          value={docLocale}
          onChange={(e) => setDocLocale(e.target.value === "en" ? "en" : "bn")}
          options={[
            { value: "bn", label: t("lang.bn") },
            { value: "en", label: t("lang.en") },
          ]}
        />
      </div>
      <fieldset>
        <legend>{t("docs.seller")}</legend>
        <div className="row">
          {text("sellerName", t("docs.partyName"), "seller.name")}
          {text("sellerBin", t("auth.bin"), "seller.bin", { inputMode: "numeric" })}
          {text("sellerAddress", t("docs.address"), "seller.address")}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("docs.buyer")}</legend>
        <SelectField
          label={t("docs.buyerFromParties")}
          optional
          value=""
          onChange={(e) => {
            const party = parties.data?.items.find((p) => p.id === e.target.value);
            if (party) {
              setInvoice((v) => ({ ...v, buyerName: party.nameBn ?? party.name, buyerBin: party.bin ?? "" }));
            }
          }}
          options={(parties.data?.items ?? []).map((p) => ({
            value: p.id,
            label: locale === "bn" && p.nameBn ? p.nameBn : p.name,
          }))}
        />
        <div className="row">
          {text("buyerName", t("docs.partyName"), "buyer.name")}
          {text("buyerBin", t("auth.bin"), "buyer.bin", { inputMode: "numeric" })}
          {text("buyerAddress", t("docs.address"), "buyer.address")}
        </div>
      </fieldset>
      <div className="row">
        {text("destination", t("docs.destination"), "destination")}
        {text("vehicleType", t("docs.vehicleType"), "vehicle.type", { optional: true })}
        {text("vehicleNumber", t("docs.vehicleNumber"), "vehicle.number", { optional: true })}
      </div>
      {lines.map((line, i) => (
        <fieldset key={`line-${i.toString()}`}>
          <legend>{t("docs.line", { n: i + 1 })}</legend>
          <div className="row">
            {(
              [
                ["description", t("docs.description"), {}],
                ["unit", t("docs.unit"), {}],
                ["quantity", t("docs.quantity"), { inputMode: "decimal" }],
                ["unitPrice", t("docs.unitPrice"), { inputMode: "decimal" }],
                ["vatRate", t("docs.vatRate"), { inputMode: "decimal" }],
                ["sdRate", t("docs.sdRate"), { inputMode: "decimal" }],
              ] as const
            ).map(([key, label, extra]) => (
              <InputField
                key={key}
                label={label}
                value={line[key]}
                onChange={setLine(i, key)}
                error={f[`data.lines.${i}.${key}`]}
                {...extra}
              />
            ))}
          </div>
          {lines.length > 1 ? (
            <button type="button" onClick={() => setLines((all) => all.filter((_, j) => j !== i))}>
              {t("docs.removeLine", { n: i + 1 })}
            </button>
          ) : null}
        </fieldset>
      ))}
      <button type="button" onClick={() => setLines((all) => [...all, NEW_LINE])}>
        {t("docs.addLine")}
      </button>
      <fieldset>
        <legend>{t("docs.officer")}</legend>
        <div className="row">
          {text("officerName", t("docs.partyName"), "officer.name")}
          {text("officerDesignation", t("org.designation"), "officer.designation")}
        </div>
      </fieldset>
      <ErrorBanner error={preview.error ?? issue.error} />
      <div className="buttons">
        <button type="button" onClick={() => preview.mutate()} disabled={preview.isPending}>
          {t("docs.preview")}
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => issue.mutate(undefined)}
          disabled={issue.isPending}
        >
          {t("docs.issue")}
        </button>
      </div>
      {preview.data ? (
        <section aria-labelledby="doc-preview-title">
          <h3 id="doc-preview-title">
            {t("docs.previewOf", { number: preview.data.number })} · {t("docs.total")}:{" "}
            {preview.data.summary.total ? <Amount amount={preview.data.summary.total} /> : "—"}
          </h3>
          <PdfPreview
            base64={preview.data.pdf}
            title={t("docs.previewOf", { number: preview.data.number })}
          />
        </section>
      ) : null}
    </form>
  );
}

/** Checks a copy someone holds: its SHA-256, computed here, is what the API looks up. */
function Verify() {
  const { t, date } = useI18n();
  const { api } = useApi();
  const verify = useMutation({
    mutationFn: async (file: File) =>
      api.documents.verify.query({ sha256: await sha256Hex(await file.arrayBuffer()) }),
  });
  return (
    <section className="card" aria-labelledby="verify-doc-title">
      <h2 id="verify-doc-title">{t("docs.verify")}</h2>
      <InputField
        label={t("docs.verifyFile")}
        hint={t("docs.verifyHint")}
        type="file"
        accept="application/pdf,.pdf"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) {
            verify.mutate(file);
          }
        }}
      />
      <ErrorBanner error={verify.error} />
      {verify.data ? (
        <p className={`banner ${verify.data.genuine ? "banner-ok" : "banner-error"}`} role="status">
          {verify.data.document
            ? t("docs.genuine", {
                number: verify.data.document.number,
                at: date(verify.data.document.issuedAt),
              })
            : t("docs.notGenuine")}
        </p>
      ) : null}
    </section>
  );
}

/** Documents: issue a Mushak-6.3 from an invoice form, preview it, download it, verify a copy. */
export function DocumentsScreen() {
  const { t, date, num } = useI18n();
  const { api } = useApi();
  const list = useQuery(queries(api).documents());
  const [issued, setIssued] = useState<IssuedDocument | null>(null);
  const download = useMutation({
    mutationFn: async (doc: IssuedDocument) => {
      const { pdf } = await api.documents.pdf.query({ id: doc.id });
      saveBlob(
        base64Blob(pdf, "application/pdf"),
        `${doc.template}-${doc.number.replace(/[/\\]/g, "-")}.pdf`,
      );
    },
  });
  const downloadButton = (doc: IssuedDocument) => (
    <button
      type="button"
      onClick={() => download.mutate(doc)}
      disabled={download.isPending}
      aria-label={`${t("docs.download")}: ${doc.number}`}
    >
      {t("docs.download")}
    </button>
  );
  return (
    <>
      <h1>{t("docs.title")}</h1>
      <section className="card">
        <InvoiceForm key={issued?.id ?? "new"} onIssued={setIssued} />
        {issued ? (
          <Notice>
            {t("docs.issued", { number: issued.number })} {downloadButton(issued)}
          </Notice>
        ) : null}
      </section>
      <section className="card" aria-labelledby="issued-title">
        <h2 id="issued-title">{t("docs.list")}</h2>
        <ErrorBanner error={list.error ?? download.error} />
        <DataTable
          rows={list.data?.items}
          rowKey={(doc) => doc.id}
          columns={[
            { header: t("docs.number"), cell: (doc) => doc.number },
            { header: t("common.when"), cell: (doc) => date(doc.issuedAt) },
            { header: t("docs.pages"), cell: (doc) => num(doc.pages) },
            {
              header: t("docs.total"),
              cell: (doc) => {
                const total = (doc.summary as { total?: unknown }).total;
                return typeof total === "string" ? <Amount amount={total} /> : "—";
              },
            },
            { header: t("common.actions"), hideHeader: true, cell: downloadButton },
          ]}
        />
      </section>
      <Verify />
    </>
  );
}
