/**
 * nginx as the peer of the gateway in the benchmarks: the reverse proxy users would put in front of
 * the services instead. Found on the PATH or in /usr/sbin (Debian's `nginx` package; the bench says
 * how to install it when it is missing), run in the foreground as one process (no master, one
 * worker: the gateway is one Bun process too) with keep-alive upstreams, proxying
 * `/trpc/<service>.<procedure>` to `<service>`'s `/trpc/<procedure>`, an access log line per request
 * (buffered, as a production configuration would) like the gateway's log line.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./servers.ts";

export function findNginx(): string {
  const found = Bun.which("nginx") ?? ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      "nginx is not installed: the gateway benchmark compares with it. Install it with " +
        "`apt-get install nginx-light` (Debian/Ubuntu) or point PATH at an nginx binary.",
    );
  }
  return found;
}

/** Starts nginx proxying each `services` entry (name → base URL); resolves once it answers. */
export async function startNginx(services: Record<string, string>) {
  const binary = findNginx();
  const dir = mkdtempSync(join(tmpdir(), "vx-bench-nginx-"));
  const port = freePort();
  const upstreams = Object.entries(services)
    .map(([name, url]) => `  upstream ${name} { server ${new URL(url).host}; keepalive 64; }`)
    .join("\n");
  const locations = Object.keys(services)
    .map(
      (name) => `    location /trpc/${name}. {
      rewrite ^/trpc/${name}\\.(.*)$ /trpc/$1 break;
      proxy_pass http://${name};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }`,
    )
    .join("\n");
  writeFileSync(
    join(dir, "nginx.conf"),
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${dir}/access.log combined buffer=64k flush=1s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
${upstreams}
  server {
    listen 127.0.0.1:${port};
${locations}
  }
}
`,
  );
  const proc = Bun.spawn([binary, "-p", dir, "-e", `${dir}/error.log`, "-c", `${dir}/nginx.conf`], {
    stdout: "ignore",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await fetch(`${url}/`).catch(() => undefined)) {
      return {
        url,
        proc,
        version: (await Bun.$`${binary} -v`.quiet().nothrow()).stderr.toString().trim(),
        async stop() {
          proc.kill("SIGTERM");
          await proc.exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (proc.exitCode !== null) {
      break;
    }
    await Bun.sleep(100);
  }
  proc.kill();
  throw new Error(`nginx did not start (see ${dir}/error.log)`);
}
