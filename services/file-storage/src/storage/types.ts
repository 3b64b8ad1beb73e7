/**
 * Where file bytes live: an S3-compatible bucket in production and tests, a folder under
 * DATA_DIR/files in embedded mode. Callers move bytes themselves through presigned URLs; the
 * service only signs, inspects and removes. Keys are built by `objectKey` and nothing else.
 */
export interface ResponseHeaders {
  /** `Content-Disposition` of a download (RFC 6266, see disposition.ts). */
  disposition: string;
  contentType: string;
}

/** Where and how a caller sends bytes: the URL and the headers it must send with them. */
export interface SignedTarget {
  url: string;
  headers: Record<string, string>;
}

export interface ObjectStore {
  readonly kind: "s3" | "folder";
  /** Creates what the store needs (the bucket, the folder); idempotent. */
  prepare(): Promise<void>;
  /** Answers when the store is reachable (readiness). */
  check(): Promise<void>;
  /**
   * A URL the caller PUTs the whole object to, valid for `ttlSeconds`. The store refuses a body whose
   * SHA-256 is not `sha256` (hex): S3 checks the signed `x-amz-checksum-sha256` header (BadDigest),
   * the folder store hashes what it writes.
   */
  presignPut(key: string, ttlSeconds: number, sha256: string): Promise<SignedTarget>;
  /** Starts a multipart upload; returns its upload id. */
  startMultipart(key: string): Promise<string>;
  /** A URL the caller PUTs part `partNumber` (1-based) to. */
  presignPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string>;
  /** Assembles the parts uploaded so far (listed by the store, in order) into the object. */
  finishMultipart(key: string, uploadId: string): Promise<void>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /** A short-lived GET URL whose answer carries `response` headers. */
  presignGet(key: string, ttlSeconds: number, response: ResponseHeaders): Promise<string>;
  /** The object's size, or undefined when there is no such object. */
  stat(key: string): Promise<{ size: number } | undefined>;
  /** The object's bytes as a stream (never buffered whole). */
  read(key: string): Promise<ReadableStream<Uint8Array>>;
  /** The object's first `length` bytes (fewer when it is shorter) and its size; undefined when absent. */
  readHead(key: string, length: number): Promise<{ head: Uint8Array; size: number } | undefined>;
  /**
   * Stores a stream of `size` bytes (uploads sent through the service), refused (StoreError 400)
   * when its SHA-256 is not `sha256` (hex), as a presigned PUT would be.
   */
  write(key: string, body: ReadableStream<Uint8Array>, size: number, sha256: string): Promise<void>;
  /** Removes the object; a missing object is not an error. */
  remove(key: string): Promise<void>;
  /** Answers a link this store signed (the folder store's stand-in for presigned URLs). */
  serveLink?(token: string, request: Request): Promise<Response>;
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "StoreError";
  }
}
