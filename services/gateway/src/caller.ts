/** The request id the gateway passes on (the caller's own when sane, as the services read it). */

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane token, else a new UUIDv7 (same rule as the services). */
export function requestIdFrom(header: string | undefined): string {
  return header && REQUEST_ID.test(header) ? header : Bun.randomUUIDv7();
}
