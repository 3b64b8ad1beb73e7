/**
 * `Content-Disposition: attachment` with the original file name, as RFC 6266 asks: an ASCII
 * `filename` fallback (quotes, backslashes and control characters replaced) and `filename*` in
 * RFC 5987 UTF-8 percent-encoding, so Bengali names arrive intact in every browser.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_").slice(0, 150) || "file";
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
