import { describe, expect, test } from "bun:test";
import { hasPermission } from "@vextrus/platform";
import { BUILTIN_ROLES } from "../src/domain/permission-catalog.ts";

const can = (role: keyof typeof BUILTIN_ROLES, permission: string) =>
  hasPermission(BUILTIN_ROLES[role].permissions, permission);

describe("built-in roles grant what the other services check", () => {
  test("a manager starts processes whose definitions evaluate rule sets, and reads the audit log", () => {
    for (const p of [
      "workflow:process:start",
      "rules:evaluation:run",
      "organization:chain:read",
      "audit:event:read",
    ]) {
      expect([p, can("manager", p)]).toEqual([p, true]);
    }
    expect(can("manager", "auth:role:create")).toBe(false);
    expect(can("manager", "platform:tenant:create")).toBe(false);
  });

  test("an approver reads processes and decides or delegates tasks, but starts nothing", () => {
    for (const p of [
      "workflow:process:read",
      "workflow:task:read",
      "workflow:task:decide",
      "workflow:task:delegate",
    ]) {
      expect([p, can("approver", p)]).toEqual([p, true]);
    }
    expect(can("approver", "workflow:process:start")).toBe(false);
    expect(can("approver", "organization:company:create")).toBe(false);
  });

  test("a viewer reads workflow, rules and audit, and changes nothing", () => {
    for (const p of [
      "workflow:process:read",
      "rules:ruleset:read",
      "audit:event:read",
      "organization:company:read",
    ]) {
      expect([p, can("viewer", p)]).toEqual([p, true]);
    }
    for (const p of ["workflow:task:decide", "rules:rule:write", "audit:event:export", "auth:session:read"]) {
      expect([p, can("viewer", p)]).toEqual([p, false]);
    }
  });

  test("viewers and approvers read configuration (values, history, definitions); only an admin changes it", () => {
    for (const role of ["viewer", "approver", "manager"] as const) {
      expect([
        role,
        can(role, "configuration:value:read"),
        can(role, "configuration:definition:read"),
      ]).toEqual([role, true, true]);
      expect([role, can(role, "configuration:value:write")]).toEqual([role, false]);
    }
    expect(can("admin", "configuration:tax:write")).toBe(true);
    expect(can("admin", "platform:config:write")).toBe(false);
  });

  test("viewers and approvers read master data; managers keep it; only writers change it", () => {
    for (const role of ["viewer", "approver"] as const) {
      for (const p of ["master-data:party:read", "master-data:item:read", "master-data:series:read"]) {
        expect([role, p, can(role, p)]).toEqual([role, p, true]);
      }
      for (const p of ["master-data:party:create", "master-data:party:merge", "master-data:series:next"]) {
        expect([role, p, can(role, p)]).toEqual([role, p, false]);
      }
    }
    expect(can("manager", "master-data:party:merge")).toBe(true);
    expect(can("manager", "master-data:series:next")).toBe(true);
  });

  test("documents: viewers and approvers read them and the letterhead; managers and admins render and issue", () => {
    for (const role of ["viewer", "approver"] as const) {
      for (const p of ["document-generator:document:read", "document-generator:letterhead:read"]) {
        expect([role, p, can(role, p)]).toEqual([role, p, true]);
      }
      for (const p of [
        "document-generator:document:render",
        "document-generator:document:issue",
        "document-generator:letterhead:update",
      ]) {
        expect([role, p, can(role, p)]).toEqual([role, p, false]);
      }
    }
    for (const role of ["manager", "admin"] as const) {
      for (const p of [
        "document-generator:document:issue",
        "document-generator:letterhead:update",
        "master-data:series:next",
      ]) {
        expect([role, p, can(role, p)]).toEqual([role, p, true]);
      }
    }
  });
});
