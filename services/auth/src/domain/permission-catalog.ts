/**
 * Which permissions exist and what the built-in roles hold. The permissions table is seeded from this
 * list by migration (a test keeps the two equal). Strings are `<service>:<entity>:<action>`.
 */

/** Services whose permissions a tenant's roles may grant. `platform:*` is for platform operators only. */
export const TENANT_SERVICES = [
  "organization",
  "auth",
  "audit",
  "workflow",
  "rules",
  "master-data",
  "notification",
  "file-storage",
  "document-generator",
  "scheduler",
  "configuration",
  "import-export",
] as const;

export interface PermissionEntry {
  name: string;
  service: string;
  description: string;
  descriptionBn: string;
}

const entry = (name: string, description: string, descriptionBn: string): PermissionEntry => ({
  name,
  service: name.split(":")[0] ?? name,
  description,
  descriptionBn,
});

const crud = (service: string, entity: string, en: string, bn: string, actions: readonly string[]) =>
  actions.map((action) => entry(`${service}:${entity}:${action}`, `${en}: ${action}`, `${bn}: ${action}`));

export const PERMISSIONS: readonly PermissionEntry[] = [
  ...TENANT_SERVICES.map((s) => entry(`${s}:*`, `Everything in ${s}`, `${s}-এর সবকিছু`)),
  ...crud("auth", "user", "Users", "ব্যবহারকারী", [
    "read",
    "invite",
    "update",
    "deactivate",
    "assign",
    "change-contact",
  ]),
  ...crud("auth", "role", "Roles", "ভূমিকা", ["read", "create", "update", "delete"]),
  ...crud("auth", "permission", "Permissions", "অনুমতি", ["read"]),
  ...crud("auth", "session", "Sessions of other users", "অন্য ব্যবহারকারীর সেশন", ["read", "revoke"]),
  ...crud("auth", "api_key", "API keys", "এপিআই কী", ["read", "create", "revoke"]),
  ...crud("organization", "tenant", "Organisation", "প্রতিষ্ঠান", ["read", "update"]),
  ...["company", "branch", "department", "designation", "membership"].flatMap((entity) =>
    crud("organization", entity, `Organisation ${entity}`, `প্রতিষ্ঠানের ${entity}`, [
      "read",
      "create",
      "update",
      "archive",
    ]),
  ),
  ...crud("organization", "chain", "Reporting chain", "রিপোর্টিং চেইন", ["read"]),
  ...crud("workflow", "definition", "Approval process definitions", "অনুমোদন প্রক্রিয়ার সংজ্ঞা", [
    "read",
    "create",
  ]),
  ...crud("workflow", "process", "Approval processes", "অনুমোদন প্রক্রিয়া", ["read", "start"]),
  ...crud("workflow", "task", "Approval tasks", "অনুমোদনের কাজ", ["read", "decide", "delegate", "escalate"]),
  ...crud("rules", "ruleset", "Rule sets", "নিয়মের সেট", ["read"]),
  ...crud("rules", "rule", "Rules", "নিয়ম", ["write"]),
  ...crud("rules", "evaluation", "Rule evaluations", "নিয়ম মূল্যায়ন", ["read", "run"]),
  ...crud("audit", "event", "Audit log", "অডিট লগ", ["read", "export"]),
  ...crud("file-storage", "file", "Files", "ফাইল", [
    "read",
    "upload",
    "attach",
    "archive",
    "hold",
    "collect",
    "manage",
  ]),
  ...crud("configuration", "definition", "Setting definitions", "সেটিংসের সংজ্ঞা", ["read"]),
  ...crud("configuration", "value", "Setting values and history", "সেটিংসের মান ও ইতিহাস", ["read", "write"]),
  ...crud("configuration", "organization", "Organisation settings", "প্রতিষ্ঠানের সেটিংস", ["write"]),
  ...crud("configuration", "workflow", "Workflow settings", "ওয়ার্কফ্লো সেটিংস", ["write"]),
  ...crud("configuration", "documents", "Document settings", "নথির সেটিংস", ["write"]),
  ...crud("configuration", "notification", "Notification settings", "বিজ্ঞপ্তির সেটিংস", ["write"]),
  ...crud("configuration", "tax", "Tax settings", "করের সেটিংস", ["write"]),
  ...crud("configuration", "flag", "Feature flags", "ফিচার ফ্ল্যাগ", ["write"]),
  ...crud("notification", "template", "Message templates", "বার্তার টেমপ্লেট", ["read", "update"]),
  ...crud(
    "notification",
    "subscription",
    "Who else is told (roles, departments)",
    "আর কাকে জানানো হয় (ভূমিকা, বিভাগ)",
    ["read", "manage"],
  ),
  ...crud("notification", "webhook", "Outbound webhooks", "বহির্গামী ওয়েবহুক", ["read", "manage"]),
  ...crud("notification", "message", "Messages with attachments", "সংযুক্তিসহ বার্তা", ["send"]),
  ...crud("notification", "usage", "Message usage and SMS cost", "বার্তার ব্যবহার ও এসএমএস খরচ", [
    "read",
    "manage",
  ]),
  ...crud("master-data", "party", "Parties", "পক্ষ", [
    "read",
    "create",
    "update",
    "archive",
    "merge",
    "import",
  ]),
  ...crud("import-export", "import", "Spreadsheet imports", "স্প্রেডশিট ইমপোর্ট", [
    "read",
    "create",
    "apply",
    "rollback",
  ]),
  ...crud("import-export", "export", "Spreadsheet exports", "স্প্রেডশিট এক্সপোর্ট", ["read", "create"]),
  ...(
    [
      ["unit", "Units of measure", "পরিমাপের একক"],
      ["item_group", "Item groups", "পণ্যের গ্রুপ"],
      ["item", "Items", "পণ্য"],
      ["account", "Chart of accounts", "হিসাবের তালিকা"],
      ["cost_centre", "Cost centres", "খরচ কেন্দ্র"],
      ["project", "Projects", "প্রকল্প"],
    ] as const
  ).flatMap(([entity, en, bn]) =>
    crud("master-data", entity, en, bn, [
      "read",
      "create",
      "update",
      "archive",
      // Items and the chart of accounts come from spreadsheets too (import-export; migration 0019).
      ...(entity === "item" || entity === "account" ? ["import" as const] : []),
    ]),
  ),
  ...crud("master-data", "flat", "Flats", "ফ্ল্যাট", ["read", "create", "update"]),
  ...crud("master-data", "series", "Numbering series", "নম্বর সিরিজ", [
    "read",
    "create",
    "update",
    "archive",
    "next",
  ]),
  ...crud(
    "document-generator",
    "document",
    "Documents (invoices, certificates, orders)",
    "নথি (চালান, প্রত্যয়নপত্র, আদেশ)",
    ["read", "render", "issue"],
  ),
  ...crud("document-generator", "letterhead", "Letterhead of documents", "নথির লেটারহেড", ["read", "update"]),
  ...crud("master-data", "geo", "Bangladesh administrative areas", "বাংলাদেশের প্রশাসনিক এলাকা", ["read"]),
];

/** What "reads everything" means: every read except other people's sessions and the tenant's API keys. */
const PRIVATE_READS = new Set(["auth:session:read", "auth:api_key:read"]);
const READS = PERMISSIONS.filter((p) => p.name.endsWith(":read") && !PRIVATE_READS.has(p.name)).map(
  (p) => p.name,
);

export const BUILTIN_ROLES = {
  admin: {
    description: "Everything in the tenant",
    permissions: TENANT_SERVICES.map((s) => `${s}:*`),
  },
  manager: {
    description: "Runs the business: every business service, reads of users, roles and settings",
    permissions: [
      ...[
        "organization",
        "master-data",
        "workflow",
        "rules",
        "file-storage",
        "document-generator",
        "import-export",
        "scheduler",
        "notification",
      ].map((s) => `${s}:*`),
      ...READS.filter(
        (p) => p.startsWith("auth:") || p.startsWith("audit:") || p.startsWith("configuration:"),
      ),
    ],
  },
  approver: {
    description: "Reads everything and decides approval tasks",
    permissions: [...READS, "workflow:task:decide", "workflow:task:delegate"],
  },
  viewer: { description: "Reads everything, changes nothing", permissions: READS },
} as const satisfies Record<string, { description: string; permissions: readonly string[] }>;

export type BuiltinRole = keyof typeof BUILTIN_ROLES;
export const BUILTIN_ROLE_NAMES = Object.keys(BUILTIN_ROLES) as BuiltinRole[];

export const isBuiltinRole = (name: string | null): name is BuiltinRole =>
  name !== null && Object.hasOwn(BUILTIN_ROLES, name);

const SEGMENT = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * A permission a tenant role may hold: `<service>:*`, `<service>:<entity>:*` or
 * `<service>:<entity>:<action>`, for a tenant service. Never `*` or `platform:…`.
 */
export function isGrantablePermission(permission: string): boolean {
  const parts = permission.split(":");
  const [service, entity, action] = parts;
  if (!service || !(TENANT_SERVICES as readonly string[]).includes(service)) {
    return false;
  }
  if (parts.length === 2) {
    return entity === "*";
  }
  return (
    parts.length === 3 &&
    entity !== undefined &&
    SEGMENT.test(entity) &&
    action !== undefined &&
    (action === "*" || SEGMENT.test(action))
  );
}
