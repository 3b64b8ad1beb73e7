import { describe, expect, test } from "bun:test";
import { networkInterfaces } from "node:os";
import {
  clientAddress,
  EnvError,
  listen,
  parseTrustedProxies,
  readEnv,
  resolveClientAddress,
  ServiceEnv,
  trustNoProxy,
} from "../src/index.ts";

describe("client address", () => {
  const gateway = parseTrustedProxies(["127.0.0.1", "10.0.0.0/8", "::1"]);

  test("the socket's peer, whatever X-Forwarded-For says, unless the peer is a trusted proxy", () => {
    expect(resolveClientAddress("203.0.113.9", "198.51.100.1", gateway)).toBe("203.0.113.9");
    expect(resolveClientAddress("127.0.0.1", "198.51.100.1", trustNoProxy)).toBe("127.0.0.1");
    expect(resolveClientAddress(undefined, "198.51.100.1", gateway)).toBe("unknown");
  });

  test("behind trusted proxies: the first untrusted hop from the right; what the client wrote is ignored", () => {
    expect(resolveClientAddress("127.0.0.1", "198.51.100.1", gateway)).toBe("198.51.100.1");
    // The client sent "1.2.3.4"; the proxy at 10.1.1.1 appended the real peer.
    expect(resolveClientAddress("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.1.1.1", gateway)).toBe(
      "198.51.100.1",
    );
    expect(resolveClientAddress("::ffff:127.0.0.1", "198.51.100.1", gateway)).toBe("198.51.100.1");
    // Every hop trusted: the leftmost is the client; no header: the peer.
    expect(resolveClientAddress("127.0.0.1", "10.0.0.5, 127.0.0.1", gateway)).toBe("10.0.0.5");
    expect(resolveClientAddress("127.0.0.1", null, gateway)).toBe("127.0.0.1");
    expect(resolveClientAddress("127.0.0.1", "x".repeat(500), gateway)).toHaveLength(64);
  });

  test("TRUSTED_PROXIES: none by default; addresses and CIDR ranges; a bad entry is named", () => {
    const env = readEnv(ServiceEnv, {});
    expect(env.HOST).toBe("0.0.0.0");
    expect(env.TRUSTED_PROXIES("127.0.0.1")).toBe(false);
    const set = readEnv(ServiceEnv, { TRUSTED_PROXIES: " 10.0.0.0/8 , fd00::/8,192.0.2.7" });
    expect(["10.200.1.1", "fd00::1", "192.0.2.7"].map(set.TRUSTED_PROXIES)).toEqual([true, true, true]);
    expect(["11.0.0.1", "192.0.2.8", "garbage"].map(set.TRUSTED_PROXIES)).toEqual([false, false, false]);
    for (const bad of ["localhost", "10.0.0.0/33", "10.0.0.1/8/1", "::1/129"]) {
      try {
        readEnv(ServiceEnv, { TRUSTED_PROXIES: bad });
        throw new Error(`accepted ${bad}`);
      } catch (error) {
        expect(error).toBeInstanceOf(EnvError);
        expect((error as EnvError).problems[0]).toStartWith("TRUSTED_PROXIES:");
      }
    }
  });
});

describe("listen", () => {
  const echo = {
    fetch: (_request: Request, connection: unknown) => new Response(clientAddress(connection)),
  };
  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((info) => info && info.family === "IPv4" && !info.internal)?.address;

  test("binds loopback by default: another interface of the machine gets no answer", async () => {
    const server = listen(echo, 0, "test");
    expect(server.url).toStartWith("http://127.0.0.1:");
    expect(await (await fetch(server.url)).text()).toBe("127.0.0.1");
    if (lanAddress) {
      const port = new URL(server.url).port;
      const refused = await fetch(`http://${lanAddress}:${port}`).then(
        () => "answered",
        () => "refused",
      );
      expect(refused).toBe("refused");
    }
    await server.stop();
  });

  test("hands the app the resolved address: a forged X-Forwarded-For counts only from a trusted peer", async () => {
    const direct = listen(echo, 0, "test");
    const forged = { headers: { "x-forwarded-for": "198.51.100.77" } };
    expect(await (await fetch(direct.url, forged)).text()).toBe("127.0.0.1");
    const behindProxy = listen(echo, 0, "test", { trustedProxies: parseTrustedProxies(["127.0.0.1"]) });
    expect(await (await fetch(behindProxy.url, forged)).text()).toBe("198.51.100.77");
    await direct.stop();
    await behindProxy.stop();
  });
});
