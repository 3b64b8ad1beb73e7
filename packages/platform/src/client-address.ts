import { BlockList, isIP } from "node:net";

/**
 * Who is calling, as far as the server can tell. `listen` resolves it once per request and hands it
 * to the app (Hono: `c.env`); read it with `clientAddress(c.env)`.
 */
export interface Connection {
  clientAddress: string;
}

/** Says whether an address is one of the proxies whose `X-Forwarded-For` is believed. */
export type TrustedProxies = (address: string) => boolean;

export const trustNoProxy: TrustedProxies = () => false;

const family = (address: string) => (isIP(address) === 6 ? "ipv6" : "ipv4");

/** Parses `["127.0.0.1", "10.0.0.0/8", "::1"]` (addresses and CIDR ranges); throws naming a bad entry. */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  if (entries.length === 0) {
    return trustNoProxy;
  }
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", bits, ...rest] = entry.split("/");
    const kind = isIP(address);
    const prefix = bits === undefined ? (kind === 6 ? 128 : 32) : Number(bits);
    if (
      kind === 0 ||
      rest.length > 0 ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > (kind === 6 ? 128 : 32)
    ) {
      throw new Error(`"${entry}" is not an IP address or CIDR range`);
    }
    list.addSubnet(address, prefix, family(address));
  }
  return (address) => isIP(address) !== 0 && list.check(address, family(address));
}

/** Longest address kept: an IPv6 address with a zone fits; anything longer is not an address. */
const MAX_LENGTH = 64;

/**
 * The client's address. The socket's peer, unless the peer is a trusted proxy: then X-Forwarded-For
 * is read from the right (each proxy appends the address it saw), skipping trusted proxies, and the
 * first address not trusted is the client. Entries left of it were written by the client and are
 * never believed. When every hop is trusted, the leftmost is the client.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | null,
  trusted: TrustedProxies,
): string {
  let address = peer ?? "unknown";
  if (!forwardedFor || !trusted(address)) {
    return address.slice(0, MAX_LENGTH);
  }
  const hops = forwardedFor.split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]?.trim() ?? "";
    if (hop === "") {
      continue;
    }
    address = hop;
    if (!trusted(hop)) {
      break;
    }
  }
  return address.slice(0, MAX_LENGTH);
}

/** The address `listen` resolved for this request (`c.env` in Hono), or "unknown" when not served by it. */
export function clientAddress(env: unknown): string {
  const address = (env as Partial<Connection> | undefined)?.clientAddress;
  return typeof address === "string" ? address : "unknown";
}
