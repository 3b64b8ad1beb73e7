/**
 * Files the way a client works with them: through the gateway with the typed client, bytes to S3
 * (S3Proxy) by presigned URL or streamed through the gateway, visible as the workflow process they
 * are attached to, every change recorded by the audit log from the event bus.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type SeededTenant, seedTenant } from "./fixtures.ts";
import { type RunningGateway, type RunningServices, startGateway, startServices } from "./harness.ts";
import { type AuthKeySigner, authKeySigner } from "./tokens.ts";

let services: RunningServices;
let gateway: RunningGateway;
let tenant: SeededTenant;
let signer: AuthKeySigner;

beforeAll(async () => {
  services = await startServices("files");
  gateway = startGateway(services.table);
  tenant = await seedTenant(gateway, "Karnaphuli");
  signer = await authKeySigner(services.auth.databaseUrl);
}, 90_000);
afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

test("a small file streamed through the gateway is stored, verified and downloadable", async () => {
  const api = gateway.client({ token: tenant.adminToken });
  const bytes = new TextEncoder().encode("%PDF-1.7\n% RAJUK approval scan\n%%EOF\n");
  const granted = await api.files.createUpload.mutate({
    fileName: "রাজউক অনুমোদন.pdf",
    contentType: "application/pdf",
    size: bytes.length,
    sha256: sha256(bytes),
    attachTo: { service: "workflow", type: "process", id: tenant.ids.process ?? "" },
  });
  const res = await fetch(`${gateway.url}/files/${granted.file.id}/content`, {
    method: "PUT",
    body: new Blob([bytes]).stream(),
    headers: { authorization: `Bearer ${tenant.adminToken}`, "content-length": String(bytes.length) },
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { status: string }).status).toBe("available");
  const link = await api.files.downloadUrl.query({ id: granted.file.id });
  const download = await fetch(link.url);
  expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
  const listed = await api.files.list.query({
    attachedTo: { service: "workflow", type: "process", id: tenant.ids.process ?? "" },
  });
  expect(listed.items.map((f) => f.id)).toContain(granted.file.id);
  // Without a token the gateway passes the refusal on.
  const anonymous = await fetch(`${gateway.url}/files/${granted.file.id}/content`, {
    method: "PUT",
    body: bytes,
  });
  expect(anonymous.status).toBe(401);
});

test("a file on a workflow process is hidden from a user of the tenant who may not read processes", async () => {
  const fileId = tenant.ids.file ?? "";
  const limited = await signer.sign({
    tenantId: tenant.registered.tenant.id,
    userId: tenant.registered.user.id,
    permissions: ["file-storage:file:read"],
  });
  const refused = await gateway
    .client({ token: limited })
    .files.get.query({ id: fileId })
    .then(
      () => "answered",
      (error: { data?: { code?: string } }) => error.data?.code,
    );
  expect(refused).toBe("FORBIDDEN");
  const admin = gateway.client({ token: tenant.adminToken });
  expect((await admin.files.get.query({ id: fileId })).name).toContain("Karnaphuli");
});

test("the audit log records the files' events", async () => {
  await services.settle();
  const api = gateway.client({ token: tenant.adminToken });
  const { items } = await api.audit.events.list.query({ typePrefix: "vextrus.file.object.", limit: 50 });
  const types = new Set(items.map((e) => e.type));
  expect(types).toContain("vextrus.file.object.upload_started");
  expect(types).toContain("vextrus.file.object.uploaded");
});
