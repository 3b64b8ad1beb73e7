import type { Socket, TCPSocketListener } from "bun";

export type ProxyMode = "pass" | "down" | "hang";

interface Pair {
  client: Socket<Pair>;
  upstream?: Socket<Pair>;
  pending: Uint8Array[];
  /** The server's next answer on this connection is swallowed and the connection dropped. */
  loseAnswer?: boolean;
}

/**
 * A TCP proxy in front of a real server, for outage tests: `down` drops every connection and refuses
 * new ones (as a stopped server would), `hang` accepts but never answers, `pass` relays bytes.
 */
export function startTcpProxy(target: { host: string; port: number }) {
  let mode: ProxyMode = "pass";
  let dropOn: string | undefined;
  let loseAnswerTo: string | undefined;
  const pairs = new Set<Pair>();

  const listener: TCPSocketListener<Pair> = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        if (mode === "down") {
          client.end();
          return;
        }
        const pair: Pair = { client, pending: [] };
        client.data = pair;
        pairs.add(pair);
        if (mode === "hang") {
          return;
        }
        Bun.connect<Pair>({
          hostname: target.host,
          port: target.port,
          data: pair,
          socket: {
            open(upstream) {
              pair.upstream = upstream;
              for (const chunk of pair.pending) {
                upstream.write(chunk);
              }
              pair.pending = [];
            },
            data(upstream, chunk) {
              if (pair.loseAnswer) {
                pair.client.end();
                upstream.end();
                pairs.delete(pair);
                return;
              }
              pair.client.write(chunk);
            },
            close() {
              pair.client.end();
              pairs.delete(pair);
            },
            error() {
              pair.client.end();
            },
          },
        }).catch(() => client.end());
      },
      data(client, chunk) {
        const pair = client.data;
        if (mode === "hang" || !pair) {
          return;
        }
        if (dropOn !== undefined && Buffer.from(chunk).includes(dropOn)) {
          dropOn = undefined;
          client.end();
          pair.upstream?.end();
          pairs.delete(pair);
          return;
        }
        if (loseAnswerTo !== undefined && Buffer.from(chunk).includes(loseAnswerTo)) {
          loseAnswerTo = undefined;
          pair.loseAnswer = true;
        }
        if (pair.upstream) {
          pair.upstream.write(chunk);
        } else {
          pair.pending.push(new Uint8Array(chunk));
        }
      },
      close(client) {
        client.data?.upstream?.end();
        if (client.data) {
          pairs.delete(client.data);
        }
      },
    },
  });

  return {
    port: listener.port,
    /** Switches mode; connections made under the previous mode are dropped. */
    setMode(next: ProxyMode) {
      mode = next;
      for (const pair of pairs) {
        pair.client.end();
        pair.upstream?.end();
      }
      pairs.clear();
    },
    /** Drops the next connection whose client sends `text`, before the server sees it (once). */
    dropWhenClientSends(text: string) {
      dropOn = text;
    },
    /**
     * Lets the server receive the next request containing `text`, then drops that connection instead
     * of relaying the answer (once): the server did the work, the client never hears it did.
     */
    loseAnswerTo(text: string) {
      loseAnswerTo = text;
    },
    stop() {
      listener.stop(true);
    },
  };
}
