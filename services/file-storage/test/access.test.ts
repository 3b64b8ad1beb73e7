/**
 * Access follows the parent record: a file attached to a company is visible to whoever may read the
 * company (asked of the real organization service with the caller's token), not to everyone in the
 * tenant, and never to another tenant. Also attach/detach, archive with expectedVersion, legal hold.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  FILES_ONLY,
  type FilesHarness,
  failure,
  pdf,
  startFiles,
  upload,
  WITH_COMPANIES,
} from "./harness.ts";

let h: FilesHarness;
let a: Awaited<ReturnType<FilesHarness["newTenant"]>>;
let b: Awaited<ReturnType<FilesHarness["newTenant"]>>;
let reader: Awaited<ReturnType<typeof a.user>>;
let outsider: Awaited<ReturnType<typeof a.user>>;
let stranger: Awaited<ReturnType<typeof b.user>>;
const company = () => ({ service: "organization" as const, type: "company" as const, id: a.company.id });

beforeAll(async () => {
  h = await startFiles("access");
  [a, b] = await Promise.all([h.newTenant("alpha"), h.newTenant("beta")]);
  reader = await a.user(WITH_COMPANIES);
  // Same tenant, may use files, may NOT read companies.
  outsider = await a.user(FILES_ONLY);
  stranger = await b.user([...WITH_COMPANIES, "file-storage:file:manage"]);
}, 60_000);
afterAll(() => h.stop());

describe("a file attached to a company", () => {
  let fileId: string;
  beforeAll(async () => {
    fileId = (await upload(reader.api, pdf(), { name: "signed work order.pdf", attachTo: company() })).id;
  });

  test("is seen by a user who may read the company, with what it is attached to", async () => {
    const file = await reader.api.get.query({ id: fileId });
    expect(file.attachedTo).toEqual([company()]);
    expect((await reader.api.downloadUrl.query({ id: fileId })).url).toContain(h.bucket);
    const page = await reader.api.list.query({ attachedTo: company() });
    expect(page.items.map((f) => f.id)).toContain(fileId);
  });

  test("is hidden from a user of the same tenant who may not read the company", async () => {
    expect(await failure(outsider.api.get.query({ id: fileId }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await failure(outsider.api.downloadUrl.query({ id: fileId }))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await failure(outsider.api.list.query({ attachedTo: company() }))).toMatchObject({
      code: "BAD_REQUEST",
      paths: ["attachedTo"],
    });
    expect(await failure(outsider.api.detach.mutate({ fileId, entity: company() }))).toMatchObject({
      code: "FORBIDDEN",
    });
  });

  test("does not exist for another tenant, even one holding file-storage:file:manage", async () => {
    // One call at a time: a refusal must not go unhandled while another is awaited.
    for (const call of [
      () => stranger.api.get.query({ id: fileId }),
      () => stranger.api.downloadUrl.query({ id: fileId }),
      () => stranger.api.archive.mutate({ id: fileId, expectedVersion: 2 }),
      () => stranger.api.attach.mutate({ fileId, entity: { ...company(), id: b.company.id } }),
    ]) {
      expect(await failure(call())).toMatchObject({ code: "NOT_FOUND" });
    }
    // A's company does not exist in B's organization either.
    expect(await failure(stranger.api.list.query({ attachedTo: company() }))).toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  test("attaching to a record the caller cannot read is refused; to one they can, it shows", async () => {
    const own = await upload(outsider.api, pdf(), { name: "site photo.pdf" });
    expect(await failure(outsider.api.attach.mutate({ fileId: own.id, entity: company() }))).toMatchObject({
      code: "BAD_REQUEST",
      paths: ["entity"],
    });
    const elsewhere = { ...company(), id: b.company.id };
    expect(await failure(reader.api.attach.mutate({ fileId, entity: elsewhere }))).toMatchObject({
      code: "BAD_REQUEST",
      paths: ["entity"],
    });
  });
});

describe("a file attached to nothing", () => {
  test("is seen by its uploader only (and by file managers)", async () => {
    const file = await upload(outsider.api, pdf(), { name: "draft.pdf" });
    expect((await outsider.api.get.query({ id: file.id })).attachedTo).toEqual([]);
    expect(await failure(reader.api.get.query({ id: file.id }))).toMatchObject({ code: "FORBIDDEN" });
    const manager = await a.user([...FILES_ONLY, "file-storage:file:manage"]);
    expect((await manager.api.get.query({ id: file.id })).id).toBe(file.id);
  });

  test("attached, it follows the record; detached again, only its uploader sees it", async () => {
    const file = await upload(reader.api, pdf(), { name: "bill of quantities.pdf" });
    const attached = await reader.api.attach.mutate({ fileId: file.id, entity: company() });
    expect(attached.attachedTo).toEqual([company()]);
    // Attaching twice changes nothing.
    expect((await reader.api.attach.mutate({ fileId: file.id, entity: company() })).attachedTo).toHaveLength(
      1,
    );
    const colleague = await a.user(WITH_COMPANIES);
    expect((await colleague.api.get.query({ id: file.id })).id).toBe(file.id);
    const detached = await reader.api.detach.mutate({ fileId: file.id, entity: company() });
    expect(detached.attachedTo).toEqual([]);
    expect(await failure(colleague.api.get.query({ id: file.id }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await failure(reader.api.detach.mutate({ fileId: file.id, entity: company() }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("archive and legal hold", () => {
  const holder = async () => a.user([...WITH_COMPANIES, "file-storage:file:hold"]);

  test("archive takes expectedVersion: a stale one is CONFLICT; archived files leave the list", async () => {
    const file = await upload(reader.api, pdf(), { attachTo: company() });
    expect(
      await failure(reader.api.archive.mutate({ id: file.id, expectedVersion: file.version + 1 })),
    ).toMatchObject({
      code: "CONFLICT",
    });
    const archived = await reader.api.archive.mutate({ id: file.id, expectedVersion: file.version });
    expect(archived).toMatchObject({ status: "archived", version: file.version + 1 });
    const listed = async (includeArchived: boolean) =>
      (await reader.api.list.query({ attachedTo: company(), includeArchived, limit: 100 })).items.map(
        (f) => f.id,
      );
    expect(await listed(false)).not.toContain(file.id);
    expect(await listed(true)).toContain(file.id);
  });

  test("a file under legal hold cannot be archived until the hold is released", async () => {
    const file = await upload(reader.api, pdf(), { attachTo: company() });
    const lawyer = await holder();
    const held = await lawyer.api.setLegalHold.mutate({
      id: file.id,
      hold: true,
      expectedVersion: file.version,
    });
    expect(held.legalHold).toBe(true);
    expect(
      await failure(reader.api.archive.mutate({ id: file.id, expectedVersion: held.version })),
    ).toMatchObject({
      code: "PRECONDITION_FAILED",
      appCode: "files.file.legal_hold",
    });
    // Only holders of file-storage:file:hold may set it.
    expect(
      await failure(
        reader.api.setLegalHold.mutate({ id: file.id, hold: false, expectedVersion: held.version }),
      ),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
    const released = await lawyer.api.setLegalHold.mutate({
      id: file.id,
      hold: false,
      expectedVersion: held.version,
    });
    expect((await reader.api.archive.mutate({ id: file.id, expectedVersion: released.version })).status).toBe(
      "archived",
    );
  });
});

describe("paging", () => {
  test("list pages by keyset over the file ids", async () => {
    const t = await h.newTenant("pages");
    const user = await t.user(WITH_COMPANIES);
    const entity = { service: "organization" as const, type: "company" as const, id: t.company.id };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await upload(user.api, pdf(), { attachTo: entity })).id);
    }
    const first = await user.api.list.query({ attachedTo: entity, limit: 2 });
    const second = await user.api.list.query({
      attachedTo: entity,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    const third = await user.api.list.query({
      attachedTo: entity,
      limit: 2,
      cursor: second.nextCursor ?? undefined,
    });
    expect([...first.items, ...second.items, ...third.items].map((f) => f.id)).toEqual(ids);
    expect(third.nextCursor).toBeNull();
  });
});
