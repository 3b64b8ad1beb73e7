// The document generator as `npm start` runs it without DATABASE_URL or KAFKA_BROKERS: one embedded
// PGlite for every service, files in a folder, events on the in-process bus. A batch runs to its
// ZIP, a single issue and a change of wording are made, and every event the document generator
// wrote reaches the audit log (the audit service consumes every catalog topic) exactly once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import { type Booted, createInProcessBus, type InProcessBus } from "@vextrus/events";
import { bootFileStorage } from "@vextrus/file-storage/boot";
import { FileStorageEnv } from "@vextrus/file-storage/env";
import { createLogger } from "@vextrus/platform";
import { openPglite } from "@vextrus/platform/pglite";
import { createTestSigner, portForLater, type TestSigner } from "@vextrus/platform/testing";
import { bootRulesEngine } from "@vextrus/rules-engine/boot";
import { RulesEngineEnv } from "@vextrus/rules-engine/env";
import JSZip from "jszip";
import { bootDocumentGenerator } from "../src/boot.ts";
import { DocumentGeneratorEnv } from "../src/env.ts";
import { mushak63 } from "./fixtures.ts";
import { ACCOUNTANT, documentsClient } from "./harness.ts";
import { pdfText } from "./looking.ts";

let pglite: PGlite;
let bus: InProcessBus;
let signer: TestSigner;
let dataDir: string;
const booted: Booted[] = [];
let docsUrl = "";
let rulesUrl = "";

const freePort = () => portForLater();

beforeAll(async () => {
  const log = createLogger({ level: "error", write: () => {} });
  signer = await createTestSigner();
  // As `npm start` opens it (pg_trgm and the other extensions the services' migrations need), in memory.
  pglite = await openPglite();
  bus = createInProcessBus({ log });
  dataDir = mkdtempSync(join(tmpdir(), "vx-docs-embedded-"));
  const shared = { pglite, log, bus };
  const common = { JWT_PUBLIC_KEY: signer.publicKey, DATA_DIR: dataDir };
  const filesPort = freePort();
  const docsPort = freePort();
  const rules = await bootRulesEngine(RulesEngineEnv.parse({ ...common, PORT: String(freePort()) }), shared);
  const files = await bootFileStorage(
    FileStorageEnv.parse({
      ...common,
      PORT: String(filesPort),
      FILES_PUBLIC_URL: `http://127.0.0.1:${filesPort}`,
      DOCUMENTS_URL: `http://127.0.0.1:${docsPort}`,
    }),
    shared,
  );
  const docs = await bootDocumentGenerator(
    DocumentGeneratorEnv.parse({
      ...common,
      PORT: String(docsPort),
      RULES_URL: rules.url,
      FILES_URL: files.url,
      RENDER_WORKERS: "1",
      // One embedded database for four services on a busy machine: generous upstream deadlines.
      UPSTREAM_TIMEOUT_MS: "60000",
    }),
    shared,
  );
  const audit = await bootAudit(AuditEnv.parse({ ...common, PORT: String(freePort()) }), shared);
  booted.push(docs, files, rules, audit);
  docsUrl = docs.url;
  rulesUrl = rules.url;
  bus.start();
}, 180_000);

afterAll(async () => {
  for (const service of booted) {
    for (const part of service.parts) {
      await Promise.race([part.stop(), Bun.sleep(5_000)]);
    }
  }
  await bus.close();
  await pglite.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** Polls until `check` answers true, or throws after `ms`. */
async function eventually(what: string, ms: number, check: () => Promise<boolean>) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) {
      return;
    }
    await Bun.sleep(200);
  }
  throw new Error(`${what}: not within ${ms / 1000} s`);
}

const KEEPER = [...ACCOUNTANT, "document-generator:letterhead:update", "audit:*"];

describe("document generator on embedded PGlite (npm start's default)", () => {
  test("a batch runs to its ZIP; batch, issue and wording events all reach the audit log once", async () => {
    const tenantId = Bun.randomUUIDv7();
    const admin = await signer.sign({ tenantId, permissions: ["rules:*"] });
    const installed = await fetch(`${rulesUrl}/trpc/packs.install`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ json: { packs: ["tax.vat"] } }),
    });
    expect(installed.status).toBe(200);
    const token = await signer.sign({ tenantId, userId: Bun.randomUUIDv7(), permissions: KEEPER });
    const api = documentsClient(docsUrl, token);

    await api.texts.set.mutate({
      template: "mushak-6.3",
      texts: { en: { buyer: "Customer" } },
      expectedVersion: 0,
    });
    const single = await api.issue.mutate({
      template: "mushak-6.3",
      locale: "en",
      data: mushak63({ number: "E-1" }),
    });
    expect(single.status).toBe("issued");
    expect(
      pdfText(new Uint8Array(Buffer.from((await api.pdf.query({ id: single.id })).pdf, "base64"))),
    ).toContain("Customer");

    const started = await api.batch.mutate({
      template: "mushak-6.3",
      locale: "en",
      items: ["E-2", "E-3", "E-4"].map((number) => mushak63({ number })),
    });
    let batch = await api.batches.get.query({ id: started.id });
    await eventually("the batch completes", 240_000, async () => {
      batch = await api.batches.get.query({ id: started.id });
      return batch.status !== "running";
    });
    expect(batch).toMatchObject({ status: "completed", total: 3, done: 3, failed: 0, pending: 0 });
    const link = await api.batches.downloadUrl.query({ id: started.id });
    const zip = await JSZip.loadAsync(new Uint8Array(await (await fetch(link.url)).arrayBuffer()));
    expect(Object.keys(zip.files).sort()).toEqual(["0001-E-2.pdf", "0002-E-3.pdf", "0003-E-4.pdf"]);

    // Every event the document generator wrote for the tenant, and each in the audit log exactly once.
    const written = await pglite.query<{ id: string; type: string }>(
      `select id::text, event->>'type' as type from document_generator.outbox where tenant_id = $1 order by id`,
      [tenantId],
    );
    expect(new Set(written.rows.map((r) => r.type))).toEqual(
      new Set([
        "vextrus.document.template.created",
        "vextrus.document.document.issued",
        "vextrus.document.batch.started",
        "vextrus.document.batch.completed",
      ]),
    );
    expect(written.rows.filter((r) => r.type === "vextrus.document.document.issued")).toHaveLength(4);
    const ids = written.rows.map((r) => r.id);
    const audited = async () =>
      (
        await pglite.query<{ event_id: string; n: number }>(
          `select event_id::text, count(*)::int as n from audit.log_entries
           where tenant_id = $1 and event_id::text = any($2) group by event_id`,
          [tenantId, ids],
        )
      ).rows;
    await eventually(
      "the audit log has every document event",
      120_000,
      async () => (await audited()).length === ids.length,
    );
    expect((await audited()).every((row) => row.n === 1)).toBe(true);
    expect(bus.deadLetters()).toEqual([]);
  }, 420_000);
});
