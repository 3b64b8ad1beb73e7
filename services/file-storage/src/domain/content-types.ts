/**
 * The content types a file may have, each with the magic bytes that prove it. A file's declared
 * type must be on this list and its first bytes must match it: a `.pdf` that is really an
 * executable is refused.
 */
type Check = (head: Uint8Array) => boolean;

const starts =
  (...signatures: number[][]): Check =>
  (head) =>
    signatures.some((signature) => signature.every((byte, i) => head[i] === byte));

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const ZIP = starts([0x50, 0x4b, 0x03, 0x04]);
const OLE = starts([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/**
 * Text: valid UTF-8 without NUL or other binary control bytes. The head may end inside a character
 * (it is the first SNIFF_BYTES of a longer file, or the file ends there): a streaming decode accepts an
 * incomplete last sequence and still refuses a broken one anywhere before it. (Dropping a fixed number
 * of bytes instead cut Bengali text, three bytes a letter, in the middle of a letter and refused it.)
 */
const text: Check = (head) => {
  if (starts(ascii("MZ"), [0x7f, 0x45, 0x4c, 0x46])(head)) {
    return false;
  }
  for (const byte of head) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) {
      return false;
    }
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
};

export const CONTENT_TYPES: Readonly<Record<string, Check>> = {
  "application/pdf": starts(ascii("%PDF-")),
  "image/png": starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  "image/jpeg": starts([0xff, 0xd8, 0xff]),
  "image/webp": (head) => starts(ascii("RIFF"))(head) && starts(ascii("WEBP"))(head.subarray(8)),
  "image/gif": starts(ascii("GIF87a"), ascii("GIF89a")),
  "image/tiff": starts([0x49, 0x49, 0x2a, 0x00], [0x4d, 0x4d, 0x00, 0x2a]),
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ZIP,
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ZIP,
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": ZIP,
  "application/msword": OLE,
  "application/vnd.ms-excel": OLE,
  "application/zip": ZIP,
  "text/plain": text,
  "text/csv": text,
};

/** How many leading bytes the checks read. */
export const SNIFF_BYTES = 4_096;

export const isAllowedType = (contentType: string): boolean => Object.hasOwn(CONTENT_TYPES, contentType);

/** Whether the file's first bytes are what its declared type says. */
export function matchesType(contentType: string, head: Uint8Array): boolean {
  const check = CONTENT_TYPES[contentType];
  return check !== undefined && head.length > 0 && check(head);
}
