/**
 * The in-process SigV4 presigner signs exactly as aws4fetch does (the S3 suites then use its URLs
 * against S3Proxy, which checks every signature).
 */
import { describe, expect, test } from "bun:test";
import { AwsClient } from "aws4fetch";
import { createPresigner } from "../src/storage/presign.ts";

const credentials = {
  accessKeyId: "AKIAEXAMPLE",
  secretAccessKey: "wJalr/XUtnFEMI+K7MDENG",
  region: "ap-south-1",
};
const aws = new AwsClient({ ...credentials, service: "s3", retries: 0 });
const presign = createPresigner(credentials);
const at = new Date("2026-12-07T16:20:01.123Z");
const base =
  "http://s3.example:9000/vextrus-files/0190abcd-0000-7000-8000-000000000000/2026/12/0190abcd-1111-7000-8000-000000000000";

describe("presigned URLs", () => {
  test.each([
    ["PUT", base, { "x-amz-checksum-sha256": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=" }],
    ["PUT", `${base}?partNumber=3&uploadId=${encodeURIComponent("2~abc/def+==x y")}`, {}],
    [
      "GET",
      `${base}?response-content-disposition=${encodeURIComponent(`attachment; filename="_.pdf"; filename*=UTF-8''%E0%A6%B9.pdf`)}&response-content-type=${encodeURIComponent("application/pdf")}`,
      {},
    ],
  ] as const)("%s %s: the same signature as aws4fetch's", async (method, url, headers) => {
    const theirs = await aws.sign(`${url}${url.includes("?") ? "&" : "?"}X-Amz-Expires=600`, {
      method,
      headers,
      aws: { signQuery: true, datetime: "20261207T162001Z" },
    });
    const ours = new URL(presign(method, url, 600, headers, at));
    const expected = new URL(theirs.url);
    expect(ours.searchParams.get("X-Amz-Signature")).toBe(expected.searchParams.get("X-Amz-Signature"));
    expect(Object.fromEntries(ours.searchParams)).toEqual(Object.fromEntries(expected.searchParams));
    expect(ours.pathname).toBe(expected.pathname);
  });
});
