import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { toLatinDigits } from "@vextrus/bd/digits";
import type { RouterInputs } from "@vextrus/client";
import { useState } from "react";
import { useApi } from "../api.tsx";
import { uploadFile } from "../components/files.ts";
import { ErrorBanner, InputField, SelectField, TextAreaField } from "../components/form.tsx";
import { useApiMutation } from "../components/mutate.ts";
import { usePeople } from "../components/people.ts";
import { shownError } from "../errors.ts";
import { useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";
import { Amount } from "./process.tsx";

type StartInput = RouterInputs["workflow"]["processes"]["start"];

/**
 * What the reader typed as an amount, as the API reads amounts: Bengali digits become Latin, lakh
 * commas and the taka sign go. Anything else is sent as typed, so the API's message names the field.
 */
export const normalizeAmount = (typed: string) => toLatinDigits(typed).replace(/[,\s৳]/g, "");

/** Who will approve: each step's person and designation, as the workflow would route it now. */
function Preview({ input }: { input: StartInput }) {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const person = usePeople();
  const preview = useQuery(queries(api).preview(input));
  if (preview.error) {
    return <ErrorBanner error={preview.error} />;
  }
  if (!preview.data) {
    return <p aria-busy="true">{t("common.loading")}</p>;
  }
  const outputs = preview.data.rules.outputs as Record<string, unknown>;
  return (
    <section className="preview" aria-labelledby="preview-title" aria-live="polite">
      <h2 id="preview-title">{t("request.previewTitle")}</h2>
      <ol className="steps">
        {preview.data.steps.map((step) => (
          <li key={step.step}>
            {step.kind === "committee"
              ? t("request.committee", {
                  step: step.step,
                  required: step.required,
                  name: step.committee ?? "",
                })
              : step.approvers.map((a) => {
                  const designation =
                    "designation" in a
                      ? locale === "bn" && a.designationBn
                        ? a.designationBn
                        : a.designation
                      : "";
                  return (
                    <span key={a.userId}>
                      {t("request.approver", { step: step.step, name: person(a.userId) })}
                      {designation ? <span className="muted"> ({designation})</span> : null}
                    </span>
                  );
                })}
          </li>
        ))}
      </ol>
      {typeof outputs.vat === "string" ? (
        <p>
          {t("process.vat")}: <Amount amount={outputs.vat} />
          {typeof outputs.total === "string" ? (
            <>
              {" · "}
              {t("process.total")}: <Amount amount={outputs.total} />
            </>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

/** Vendor search over master data's parties, in English or Bengali. */
function VendorPicker({ value, onChange }: { value: string; onChange: (id: string, name: string) => void }) {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const [search, setSearch] = useState("");
  const parties = useQuery({ ...queries(api).parties(search.trim()), enabled: search.trim().length > 0 });
  const items = parties.data?.items ?? [];
  return (
    <fieldset>
      <legend>{t("request.vendor")}</legend>
      <InputField
        label={t("request.vendorSearch")}
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {items.map((party) => {
        const name = locale === "bn" && party.nameBn ? party.nameBn : party.name;
        return (
          <label key={party.id} className="radio">
            <input
              type="radio"
              name="vendor"
              value={party.id}
              checked={value === party.id}
              onChange={() => onChange(party.id, party.name)}
            />
            <span>
              {name}
              {party.bin ? (
                <span className="muted">
                  {" "}
                  · {t("auth.bin")} {party.bin}
                </span>
              ) : null}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

export function NewRequestScreen() {
  const { t, locale } = useI18n();
  const { api } = useApi();
  const navigate = useNavigate();
  const q = queries(api);
  const definitions = useQuery(q.definitions());
  const departments = useQuery(q.departments());
  const [form, setForm] = useState({
    definitionKey: "",
    departmentId: "",
    amount: "",
    subject: "",
    description: "",
  });
  const [vendor, setVendor] = useState<{ id: string; name: string } | null>(null);
  const [previewing, setPreviewing] = useState<StartInput | null>(null);
  const input: StartInput = {
    definitionKey: form.definitionKey,
    departmentId: form.departmentId,
    amount: normalizeAmount(form.amount),
    subject: form.subject,
    data: {
      ...(form.description.trim() ? { description: form.description.trim() } : {}),
      ...(vendor ? { vendorId: vendor.id, vendor: vendor.name } : {}),
    },
  };
  const [files, setFiles] = useState<File[]>([]);
  const start = useApiMutation(
    (i: StartInput) => api.workflow.processes.start.mutate(i),
    ["workflow.processes.list"],
    async (started) => {
      const attachTo = { service: "workflow", type: "process", id: started.process.id } as const;
      // The request exists now: its page lists what was attached, so a file that failed can be added there.
      await Promise.allSettled(files.map((file) => uploadFile(api, file, attachTo)));
      await navigate({ to: "/processes/$processId", params: { processId: started.process.id } });
    },
  );
  const fields = { ...(shownError(start.error)?.fields ?? {}) };
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    setPreviewing(null);
  };
  const processes = definitions.data?.items ?? [];
  return (
    <section className="card narrow" aria-labelledby="request-title">
      <h1 id="request-title">{t("request.title")}</h1>
      {definitions.isSuccess && processes.length === 0 ? <p>{t("request.noProcess")}</p> : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate(input);
        }}
      >
        <SelectField
          label={t("request.process")}
          value={form.definitionKey}
          onChange={set("definitionKey")}
          error={fields.definitionKey}
          options={processes.map((d) => ({
            value: d.key,
            label: locale === "bn" && d.nameBn ? d.nameBn : d.name,
          }))}
        />
        <SelectField
          label={t("request.department")}
          value={form.departmentId}
          onChange={set("departmentId")}
          error={fields.departmentId}
          options={(departments.data?.items ?? []).map((d) => ({
            value: d.id,
            label: locale === "bn" && d.nameBn ? d.nameBn : d.name,
          }))}
        />
        <InputField
          label={t("request.amount")}
          hint={t("request.amountHint")}
          inputMode="decimal"
          value={form.amount}
          onChange={set("amount")}
          error={fields.amount}
        />
        <InputField
          label={t("request.subject")}
          value={form.subject}
          onChange={set("subject")}
          error={fields.subject}
        />
        <TextAreaField
          label={t("request.description")}
          optional
          value={form.description}
          onChange={set("description")}
        />
        <InputField
          label={t("request.attachment")}
          optional
          type="file"
          multiple
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
        <VendorPicker
          value={vendor?.id ?? ""}
          onChange={(id, name) => {
            setVendor({ id, name });
            setPreviewing(null);
          }}
        />
        <div className="buttons">
          <button type="button" onClick={() => setPreviewing(input)}>
            {t("request.preview")}
          </button>
          <button type="submit" className="primary" disabled={start.isPending}>
            {t("request.submit")}
          </button>
        </div>
        <ErrorBanner error={start.error} />
      </form>
      {previewing ? <Preview input={previewing} /> : null}
    </section>
  );
}
