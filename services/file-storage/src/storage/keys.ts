const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The only way an object key is made: `<tenantId>/<yyyy>/<mm>/<fileId>`, from two server-made
 * UUIDs and the server's clock. Nothing of a file name or any other caller input becomes a path.
 */
export function objectKey(tenantId: string, fileId: string, at: Date): string {
  if (!UUID.test(tenantId) || !UUID.test(fileId)) {
    throw new Error("object keys are made from UUIDs only");
  }
  const yyyy = String(at.getUTCFullYear()).padStart(4, "0");
  const mm = String(at.getUTCMonth() + 1).padStart(2, "0");
  return `${tenantId}/${yyyy}/${mm}/${fileId}`;
}

const KEY = /^[0-9a-f-]{36}\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/;

/** True for a key `objectKey` could have made (stores refuse anything else). */
export const isObjectKey = (key: string): boolean => KEY.test(key);
