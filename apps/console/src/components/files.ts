/**
 * Files in and out of the browser: uploads go to file storage through the gateway's
 * `PUT /files/<id>/content` (this origin; the page may call no other), downloads and previews are
 * blob URLs made from bytes the API answered.
 */
import type { RouterInputs, VextrusClient } from "@vextrus/client";
import { sessionStore } from "../session.ts";

type AttachTo = RouterInputs["files"]["createUpload"]["attachTo"];

/** The SHA-256 of some bytes as lowercase hex (what file storage and documents.verify expect). */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Content types file storage accepts, by extension, for browsers that leave `File.type` empty. */
const BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  csv: "text/csv",
  txt: "text/plain",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

export const contentTypeOf = (file: File) =>
  file.type || BY_EXTENSION[file.name.split(".").pop()?.toLowerCase() ?? ""] || "application/octet-stream";

/** An upload refused by file storage: its message, already in the reader's language. */
export class UploadError extends Error {}

/**
 * Uploads a file (optionally attached to a record) and answers the completed file: createUpload
 * (which the typed client signs with a fresh token, refreshing it if needed), then the bytes.
 */
export async function uploadFile(api: VextrusClient, file: File, attachTo?: AttachTo) {
  const bytes = await file.arrayBuffer();
  const contentType = contentTypeOf(file);
  const started = await api.files.createUpload.mutate({
    fileName: file.name,
    contentType,
    size: file.size,
    sha256: await sha256Hex(bytes),
    ...(attachTo ? { attachTo } : {}),
  });
  const res = await fetch(`/files/${started.file.id}/content`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${sessionStore.get()?.accessToken ?? ""}`,
      "content-type": contentType,
      "accept-language": document.documentElement.lang || "bn",
    },
    body: bytes,
  });
  const answer = (await res.json().catch(() => ({}))) as { id?: string; error?: { message?: string } };
  if (!res.ok || !answer.id) {
    throw new UploadError(answer.error?.message ?? res.statusText);
  }
  return { id: answer.id, name: file.name };
}

/** Base64 (as the API sends small files) to a blob of the given type. */
export function base64Blob(base64: string, type: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return new Blob([bytes], { type });
}

/** Saves a blob as a file with the given name. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A file the gateway streams from a service with the caller's token (`/audit/export.csv?…`), saved
 * under the name the service gave it. A token about to expire is refreshed first by one cheap typed
 * call (`auth.me`), as the client refreshes on its own only for its own calls.
 */
export async function downloadWithToken(
  api: VextrusClient,
  path: string,
  fallbackName: string,
): Promise<void> {
  await api.auth.me.query();
  const res = await fetch(path, {
    headers: {
      authorization: `Bearer ${sessionStore.get()?.accessToken ?? ""}`,
      "accept-language": document.documentElement.lang || "bn",
    },
  });
  if (!res.ok) {
    const answer = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(answer.error?.message ?? res.statusText);
  }
  const disposition = res.headers.get("content-disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
}
