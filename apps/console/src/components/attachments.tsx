import { useMutation, useQuery } from "@tanstack/react-query";
import { useApi } from "../api.tsx";
import { useI18n } from "../i18n/index.tsx";
import { queries } from "../queries.ts";
import { uploadFile } from "./files.ts";
import { ErrorBanner, InputField } from "./form.tsx";
import { useApiMutation } from "./mutate.ts";

/** Files attached to a request (file storage): the list, a download link for each, and more to add. */
export function Attachments({ processId }: { processId: string }) {
  const { t, num } = useI18n();
  const { api } = useApi();
  const files = useQuery(queries(api).attachments(processId));
  const add = useApiMutation(
    async (chosen: File[]) => {
      for (const file of chosen) {
        await uploadFile(api, file, { service: "workflow", type: "process", id: processId });
      }
    },
    ["files.list"],
  );
  // A short-lived link from file storage, answered as an attachment with the file's own name.
  const download = useMutation({
    mutationFn: async (id: string) => {
      const link = await api.files.downloadUrl.query({ id });
      window.location.assign(link.url);
    },
  });
  const items = files.data?.items ?? [];
  return (
    <section aria-labelledby={`files-${processId}`}>
      <h3 id={`files-${processId}`}>{t("files.attachments")}</h3>
      {items.length === 0 ? <p>{t("files.none")}</p> : null}
      <ul className="plain">
        {items.map((file) => (
          <li key={file.id}>
            <button type="button" className="link" onClick={() => download.mutate(file.id)}>
              {file.name}
            </button>{" "}
            <span className="muted">({num(Math.ceil(file.size / 1024))} KB)</span>
          </li>
        ))}
      </ul>
      <InputField
        label={t("files.add")}
        type="file"
        multiple
        disabled={add.isPending}
        onChange={(e) => {
          const chosen = [...(e.target.files ?? [])];
          e.target.value = "";
          if (chosen.length > 0) {
            add.mutate(chosen);
          }
        }}
      />
      <ErrorBanner error={add.error ?? files.error ?? download.error} />
    </section>
  );
}
