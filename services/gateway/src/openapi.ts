/**
 * `GET /openapi.json`: one OpenAPI 3.1 document for the whole API, merged from every routed service's
 * own `/openapi.json` (generated from its router by @vextrus/platform). The gateway holds no list of
 * procedures: a service, or a procedure, that is added appears here on its own.
 */
import { type OpenApiDocument, SHARED_COMPONENTS } from "@vextrus/platform";
import type { ServiceTable } from "./routing.ts";

type Operation = {
  operationId: string;
  description: string;
  tags: string[];
  [key: string]: unknown;
};

/** How long a service's document is reused before it is asked again (a redeploy may add procedures). */
const FRESH_MS = 60_000;

const DESCRIPTION = `Every procedure of every Vextrus service, as plain JSON over HTTP.

- **Call**: \`POST /api/<service>/<procedure>\` with the procedure's input as a bare JSON body
  (\`{"name": "Rupayan Housing"}\`; no body for procedures without input). Queries whose input is flat
  (scalar fields only) may also be called as \`GET /api/<service>/<procedure>?field=value\`.
  Dotted names and slashes are the same path: \`/api/organization/companies.create\` =
  \`/api/organization/companies/create\`.
- **Answer**: the result as JSON (Dates as ISO 8601 strings, money as decimal strings such as
  \`"1250000.00"\`, nothing returned = \`null\`), status 200.
- **Auth**: \`Authorization: Bearer <access token>\` (from \`auth.login\`) or \`Authorization: Bearer vx_…\`
  (an API key). Procedures marked "No token needed" take none.
- **Language**: \`Accept-Language: bn\` answers error messages in Bengali, English otherwise.
- **Errors**: \`{ "error": { "code", "kind", "appCode", "message", "requestId", "issues"? } }\` with the
  HTTP status; bad input lists each field at fault in \`issues\`.
- **Retries**: a mutation sent with an \`Idempotency-Key\` header is done once; a retry with the same key
  gets the first answer.
- The same procedures are served to the typed TypeScript client (\`@vextrus/client\`) over tRPC at
  \`/trpc/<service>.<procedure>\`.`;

const SHARED_SCHEMAS = new Set(Object.keys(SHARED_COMPONENTS.schemas));

/** A service's document with its own schema names prefixed (`organization_companies_create_X`). */
function prefixed(service: string, document: OpenApiDocument): OpenApiDocument {
  const text = JSON.stringify(document).replace(
    /"#\/components\/schemas\/([^"]+)"/g,
    (whole, name: string) => (SHARED_SCHEMAS.has(name) ? whole : `"#/components/schemas/${service}_${name}"`),
  );
  return JSON.parse(text) as OpenApiDocument;
}

/** The merged document of the services that answered; those that did not are named in `x-unavailable`. */
export function mergeDocuments(
  documents: Record<string, OpenApiDocument | undefined>,
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  const schemas: Record<string, unknown> = { ...SHARED_COMPONENTS.schemas };
  const tagGroups: { name: string; tags: string[] }[] = [];
  const missing: string[] = [];
  for (const service of Object.keys(documents).sort()) {
    const original = documents[service];
    if (!original) {
      missing.push(service);
      continue;
    }
    const document = prefixed(service, original);
    const tags = new Set<string>();
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
      const procedure = path.slice("/api/".length);
      const operations: Record<string, Operation> = {};
      for (const [method, op] of Object.entries(item)) {
        const tag = op.tags[0] ? `${service}.${op.tags[0]}` : service;
        tags.add(tag);
        operations[method] = {
          ...op,
          operationId: `${service}.${op.operationId}`,
          summary: method === "get" ? `${service}.${procedure} (GET)` : `${service}.${procedure}`,
          description: `${op.description} tRPC: \`${service}.${procedure}\`.`,
          tags: [tag],
        };
      }
      paths[`/api/${service}/${procedure}`] = operations;
    }
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      if (!SHARED_SCHEMAS.has(name)) {
        schemas[`${service}_${name}`] = schema;
      }
    }
    tagGroups.push({ name: service, tags: [...tags].sort() });
  }
  return {
    openapi: "3.1.1",
    info: { title: "Vextrus ERP API", version, description: DESCRIPTION },
    servers: [{ url: "/", description: "This gateway" }],
    security: [{ accessToken: [] }, { apiKey: [] }],
    tags: tagGroups.flatMap((group) => group.tags.map((name) => ({ name }))),
    "x-tagGroups": tagGroups,
    ...(missing.length > 0 ? { "x-unavailable": missing } : {}),
    paths,
    components: { ...SHARED_COMPONENTS, schemas },
  };
}

/**
 * The merged document, asking each service for its own at most once a minute. A service that does
 * not answer is left out (and asked again next time), so the document never blocks on an outage.
 */
export function createOpenApiSource(table: ServiceTable, version: string, timeoutMs: number) {
  const cache = new Map<string, { document: OpenApiDocument; at: number }>();
  async function fetchOne(service: string, baseUrl: string): Promise<OpenApiDocument | undefined> {
    const cached = cache.get(service);
    if (cached && Date.now() - cached.at < FRESH_MS) {
      return cached.document;
    }
    try {
      const response = await fetch(`${baseUrl}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) {
        return cached?.document;
      }
      const document = (await response.json()) as OpenApiDocument;
      cache.set(service, { document, at: Date.now() });
      return document;
    } catch {
      return cached?.document;
    }
  }
  return async function document(): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      Object.entries(table).map(async ([service, url]) => [service, await fetchOne(service, url)] as const),
    );
    return mergeDocuments(Object.fromEntries(entries), version);
  };
}
