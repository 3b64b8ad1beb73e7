import { TRPCClientError } from "@vextrus/client";

interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/** What the console shows of a failed call: the API's own message (already in the reader's language). */
export interface ShownError {
  code: string;
  message: string;
  /** Field path (`admin.email`) → that field's message, as the API named it. */
  fields: Record<string, string>;
}

export function shownError(error: unknown): ShownError | null {
  if (!error) {
    return null;
  }
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as { code?: string; issues?: FieldIssue[] };
    const fields: Record<string, string> = {};
    for (const issue of data.issues ?? []) {
      fields[issue.path] ??= issue.message;
    }
    return { code: data.code ?? "NETWORK", message: error.message, fields };
  }
  return { code: "INTERNAL", message: error instanceof Error ? error.message : String(error), fields: {} };
}

export const isUnauthorized = (error: unknown) => shownError(error)?.code === "UNAUTHORIZED";
