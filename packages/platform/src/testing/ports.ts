/**
 * A loopback port to bind later (a server told its address before it starts), taken below the
 * kernel's ephemeral range (32768–60999 on Linux) and checked free when chosen. A port the kernel
 * hands out for a port-0 probe is soon handed to an outgoing connection (connection pools,
 * keep-alive clients), which then holds it when the server binds it: EADDRINUSE, seen in CI.
 */
export function portForLater(exclude: readonly number[] = []): number {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (exclude.includes(port)) {
      continue;
    }
    try {
      Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
      return port;
    } catch {
      // Taken: another one.
    }
  }
}
