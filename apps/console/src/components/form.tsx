import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";
import { shownError } from "../errors.ts";
import { useI18n } from "../i18n/index.tsx";

interface FieldProps {
  label: string;
  hint?: string | undefined;
  /** The API's message for this field, if the last call named it. */
  error?: string | undefined;
  optional?: boolean;
  children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: true }) => ReactNode;
}

/** A labelled control with its hint and the API's message for it, wired for screen readers. */
export function Field({ label, hint, error, optional, children }: FieldProps) {
  const id = useId();
  const { t } = useI18n();
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {optional ? <span className="muted"> ({t("common.optional")})</span> : null}
      </label>
      {children({
        id,
        ...(described ? { "aria-describedby": described } : {}),
        ...(error ? { "aria-invalid": true as const } : {}),
      })}
      {hint ? (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}

type InputFieldProps = Omit<FieldProps, "children"> & InputHTMLAttributes<HTMLInputElement>;

export function InputField({ label, hint, error, optional, ...input }: InputFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional ?? false}>
      {(a11y) => <input {...input} {...a11y} />}
    </Field>
  );
}

/** A record's name in English and, optionally, in Bengali, with the API's message for each. */
export function NameFields({
  fields,
  name,
  nameBn,
}: {
  fields: Record<string, string>;
  name?: string;
  nameBn?: string | null;
}) {
  const { t } = useI18n();
  return (
    <>
      <InputField label={t("common.name")} name="name" defaultValue={name ?? ""} error={fields.name} />
      <InputField
        label={t("common.nameBn")}
        name="nameBn"
        lang="bn"
        optional
        defaultValue={nameBn ?? ""}
        error={fields.nameBn}
      />
    </>
  );
}

type TextAreaFieldProps = Omit<FieldProps, "children"> & TextareaHTMLAttributes<HTMLTextAreaElement>;

export function TextAreaField({ label, hint, error, optional, ...textarea }: TextAreaFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional ?? false}>
      {(a11y) => <textarea rows={3} {...textarea} {...a11y} />}
    </Field>
  );
}

type SelectFieldProps = Omit<FieldProps, "children"> &
  SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] };

export function SelectField({ label, hint, error, optional, options, ...select }: SelectFieldProps) {
  const { t } = useI18n();
  return (
    <Field label={label} hint={hint} error={error} optional={optional ?? false}>
      {(a11y) => (
        <select {...select} {...a11y}>
          <option value="">{t("common.choose")}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The failed call's message (fields named in it are shown beside their inputs too). */
export function ErrorBanner({ error }: { error: unknown }) {
  const shown = shownError(error);
  if (!shown) {
    return null;
  }
  return (
    <p className="banner banner-error" role="alert">
      {shown.message}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="banner banner-ok" role="status">
      {children}
    </p>
  );
}

/** Reads a form's named fields as strings (empty ones left out). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string" && value.trim() !== "") {
      values[name] = value.trim();
    }
  }
  return values;
}
