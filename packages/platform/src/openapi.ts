/**
 * A service's procedures as plain JSON over HTTP, described for outside callers: an OpenAPI 3.1
 * document generated from the router itself (`router._def.procedures`, each input's zod schema
 * through zod's own `z.toJSONSchema`), so a procedure added to a router is documented and served
 * without a hand list. The gateway merges every service's document (`GET /openapi.json`).
 */
import type { AnyRouter } from "@trpc/server";
import { z } from "zod";
import { REQUIRES_SIGN_IN } from "./trpc.ts";

/** A JSON Schema object (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { [key: string]: unknown };

/** What the REST adapter needs to know about one procedure. */
export interface RestProcedure {
  /** `companies.create` (the path inside the service). */
  name: string;
  type: "query" | "mutation";
  input: JsonSchema | undefined;
  /** The result's JSON Schema, from the procedure's `.output(…)` zod schema (undefined: not declared). */
  output: JsonSchema | undefined;
  /** Whether the input may be left out. */
  inputOptional: boolean;
  /** A query whose input is absent or flat (scalar fields only): also served as GET with query parameters. */
  gettable: boolean;
  /** Field paths (`until`, `filter.from`) holding a Date: an ISO 8601 string there is read as a Date. */
  datePaths: string[];
  permission: string | undefined;
  signedIn: boolean;
}

const SCALARS = new Set(["string", "number", "integer", "boolean"]);

interface ProcedureDef {
  type: string;
  inputs: unknown[];
  output?: unknown;
  meta?: { permission?: string };
  middlewares: unknown[];
}

/**
 * zod → JSON Schema of what travels: the input side (pipes, defaults) of what a caller sends, the output
 * side of what a procedure answers; Dates as date-time strings.
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
    override: (ctx) => {
      if ((ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
        ctx.jsonSchema["x-date"] = true;
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The scalar JSON types a property schema allows (through anyOf / nullable / enum), or undefined if not scalar. */
export function scalarTypes(schema: JsonSchema | undefined): Set<string> | undefined {
  if (!schema) {
    return undefined;
  }
  if (Array.isArray(schema.enum)) {
    return new Set(schema.enum.map((value) => (value === null ? "null" : typeof value)));
  }
  if ("const" in schema) {
    return new Set([schema.const === null ? "null" : typeof schema.const]);
  }
  if (Array.isArray(schema.anyOf)) {
    const all = new Set<string>();
    for (const option of schema.anyOf as JsonSchema[]) {
      const types = scalarTypes(option);
      if (!types) {
        return undefined;
      }
      for (const type of types) {
        all.add(type);
      }
    }
    return all;
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.every((type) => typeof type === "string" && (SCALARS.has(type) || type === "null"))
    ? new Set(types as string[])
    : undefined;
}

function isGettable(input: JsonSchema | undefined): boolean {
  if (!input) {
    return true;
  }
  if (input.type !== "object" || typeof input.properties !== "object" || input.properties === null) {
    return false;
  }
  return Object.values(input.properties as Record<string, JsonSchema>).every(
    (property) => scalarTypes(property) !== undefined,
  );
}

/** Paths of the properties marked as Dates (objects only; arrays of dates are not looked into). */
function datePaths(schema: JsonSchema | undefined, prefix = ""): string[] {
  if (!schema) {
    return [];
  }
  if (schema["x-date"] === true) {
    return [prefix];
  }
  const nested = Array.isArray(schema.anyOf)
    ? (schema.anyOf as JsonSchema[]).flatMap((option) => datePaths(option, prefix))
    : [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return [
    ...nested,
    ...Object.entries(properties).flatMap(([key, value]) =>
      datePaths(value, prefix ? `${prefix}.${key}` : key),
    ),
  ];
}

/** Every query and mutation of a router, with its input's JSON Schema. */
export function restProcedures(router: AnyRouter): Map<string, RestProcedure> {
  const found = new Map<string, RestProcedure>();
  for (const [name, procedure] of Object.entries(router._def.procedures as Record<string, unknown>)) {
    const def = (procedure as { _def: ProcedureDef })._def;
    if (def.type !== "query" && def.type !== "mutation") {
      continue;
    }
    const zodInput = def.inputs.at(-1) as z.ZodType | undefined;
    const input = zodInput && "_zod" in zodInput ? jsonSchema(zodInput, "input") : undefined;
    const zodOutput = def.output as z.ZodType | undefined;
    const output = zodOutput && "_zod" in zodOutput ? jsonSchema(zodOutput, "output") : undefined;
    found.set(name, {
      name,
      type: def.type,
      input,
      output,
      inputOptional: !zodInput || zodInput.safeParse(undefined).success,
      gettable: def.type === "query" && isGettable(input),
      datePaths: datePaths(input),
      permission: def.meta?.permission,
      signedIn: def.middlewares.some(
        (middleware) => typeof middleware === "function" && REQUIRES_SIGN_IN in middleware,
      ),
    });
  }
  return found;
}

// ---------- the document

/** Components every service's document shares (the gateway keeps one copy when it merges). */
export const SHARED_COMPONENTS = {
  securitySchemes: {
    accessToken: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description:
        "An access token from `auth.login` (EdDSA JWT, short-lived; `auth.refresh` exchanges the refresh token for a new pair).",
    },
    apiKey: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "vx_…",
      description:
        "An API key (`vx_…`, created with `auth.apiKeys.create`), sent as `Authorization: Bearer vx_…`. Its permissions are the ones it was created with.",
    },
  },
  schemas: {
    Error: {
      type: "object",
      description:
        "Every refusal. `message` is in the caller's language: English, or Bengali with `Accept-Language: bn`.",
      required: ["error"],
      properties: {
        error: {
          type: "object",
          required: ["code", "kind", "appCode", "message", "requestId"],
          properties: {
            code: {
              type: "string",
              description: "tRPC's code for the HTTP status (BAD_REQUEST, NOT_FOUND, CONFLICT, …)",
            },
            kind: {
              type: "string",
              description: "The error kind (VALIDATION, NOT_FOUND, FORBIDDEN, UNAUTHORIZED, CONFLICT, …)",
            },
            appCode: { type: "string", description: "A stable code for programs (`input.invalid`, …)" },
            message: { type: "string", description: "For people, in English or Bengali" },
            requestId: { type: "string", description: "Quote it to support: the logs carry it" },
            issues: {
              type: "array",
              description: "Bad input: one entry per field at fault",
              items: {
                type: "object",
                required: ["path", "code", "message"],
                properties: {
                  path: { type: "string", description: "The field, dotted (`lines.0.amount`), or `(input)`" },
                  code: { type: "string" },
                  message: { type: "string" },
                },
              },
            },
          },
        },
      },
    },
  },
  responses: {
    BadRequest: errorResponse("The input is invalid: `issues` names each field", {
      en: {
        code: "BAD_REQUEST",
        kind: "VALIDATION",
        appCode: "input.invalid",
        message: "name: This field is required",
        requestId: "0193a8f2-6c1e-7a41-9d0e-5b2c8f1e4a77",
        issues: [{ path: "name", code: "required", message: "This field is required" }],
      },
      bn: {
        code: "BAD_REQUEST",
        kind: "VALIDATION",
        appCode: "input.invalid",
        message: "name: এই ঘরটি পূরণ করা আবশ্যক",
        requestId: "0193a8f2-6c1e-7a41-9d0e-5b2c8f1e4a77",
        issues: [{ path: "name", code: "required", message: "এই ঘরটি পূরণ করা আবশ্যক" }],
      },
    }),
    Unauthorized: errorResponse("No token, or an invalid or expired one", {
      en: {
        code: "UNAUTHORIZED",
        kind: "UNAUTHORIZED",
        appCode: "auth.token.missing",
        message: "Sign in first: this call needs an access token",
        requestId: "0193a8f2-6c1e-7a41-9d0e-5b2c8f1e4a77",
      },
      bn: {
        code: "UNAUTHORIZED",
        kind: "UNAUTHORIZED",
        appCode: "auth.token.missing",
        message: "প্রথমে সাইন ইন করুন: এই অনুরোধে অ্যাক্সেস টোকেন প্রয়োজন",
        requestId: "0193a8f2-6c1e-7a41-9d0e-5b2c8f1e4a77",
      },
    }),
    Forbidden: errorResponse("The token lacks the permission the procedure requires"),
    NotFound: errorResponse("No such record in the caller's tenant, or no such procedure"),
    Conflict: errorResponse("A stale `expectedVersion`, a duplicate, or a state that forbids the change"),
    TooManyRequests: errorResponse("A rate limit: `Retry-After` says when to try again"),
    Internal: errorResponse("A failure on our side: quote `requestId`"),
    Unavailable: errorResponse("A service or a dependency is down or did not answer in time"),
  },
};

function errorResponse(description: string, examples?: { en: unknown; bn: unknown }) {
  return {
    description,
    content: {
      "application/json": {
        schema: { $ref: "#/components/schemas/Error" },
        ...(examples
          ? {
              examples: {
                english: { summary: "Accept-Language: en", value: { error: examples.en } },
                bengali: { summary: "Accept-Language: bn", value: { error: examples.bn } },
              },
            }
          : {}),
      },
    },
  };
}

const ref = (name: keyof typeof SHARED_COMPONENTS.responses) => ({
  $ref: `#/components/responses/${name}`,
});

/** A JSON Schema with its `$defs` moved to components (named `<prefix>_<def>`) so refs resolve in the document. */
function hoistDefs(schema: JsonSchema, prefix: string, into: Record<string, JsonSchema>): JsonSchema {
  const defs = schema.$defs as Record<string, JsonSchema> | undefined;
  if (!defs) {
    return schema;
  }
  const { $defs: _, ...rest } = schema;
  const rename = (text: string) =>
    text.replace(/"#\/\$defs\/([^"]+)"/g, (_m, name: string) => `"#/components/schemas/${prefix}_${name}"`);
  for (const [name, def] of Object.entries(defs)) {
    into[`${prefix}_${name}`] = JSON.parse(rename(JSON.stringify(def)));
  }
  return JSON.parse(rename(JSON.stringify(rest)));
}

function queryParameters(input: JsonSchema | undefined) {
  const properties = (input?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: "query",
    required: required.has(name),
    schema,
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
  }));
}

function operation(procedure: RestProcedure, method: "get" | "post", schemas: Record<string, JsonSchema>) {
  const [first] = procedure.name.split(".");
  const lines = [
    procedure.type === "query" ? "Reads; changes nothing." : "Changes state.",
    procedure.permission
      ? `Requires the permission \`${procedure.permission}\`.`
      : procedure.signedIn
        ? "Any signed-in caller."
        : "No token needed.",
  ];
  const body =
    method === "post" && procedure.input
      ? {
          requestBody: {
            required: !procedure.inputOptional,
            content: {
              "application/json": {
                schema: hoistDefs(procedure.input, procedure.name.replace(/\./g, "_"), schemas),
              },
            },
          },
        }
      : {};
  return {
    operationId: method === "get" ? `${procedure.name}.get` : procedure.name,
    summary: procedure.name,
    description: lines.join(" "),
    // The entity (first segment); the gateway prefixes the service's name when it merges.
    tags: first === procedure.name ? [] : [first],
    security: procedure.signedIn ? [{ accessToken: [] }, { apiKey: [] }] : [],
    ...(method === "get" ? { parameters: queryParameters(procedure.input) } : {}),
    ...body,
    responses: {
      "200": {
        description:
          "The procedure's result as JSON (Dates as ISO 8601 strings, money as decimal strings; a procedure that returns nothing answers `null`).",
        content: {
          "application/json": {
            schema: procedure.output
              ? hoistDefs(procedure.output, `${procedure.name.replace(/\./g, "_")}_result`, schemas)
              : {},
          },
        },
      },
      "400": ref("BadRequest"),
      ...(procedure.signedIn ? { "401": ref("Unauthorized"), "403": ref("Forbidden") } : {}),
      "404": ref("NotFound"),
      ...(procedure.type === "mutation" ? { "409": ref("Conflict") } : {}),
      "429": ref("TooManyRequests"),
      "500": ref("Internal"),
      "503": ref("Unavailable"),
    },
  };
}

/**
 * A service's OpenAPI 3.1 document: `POST /api/<procedure>` for every procedure (a bare JSON body),
 * `GET /api/<procedure>?field=…` also for queries with flat inputs. Paths are the service's own; the
 * gateway serves them under `/api/<service>/…`.
 */
export function serviceOpenApi(
  info: { name: string; version: string },
  procedures: ReadonlyMap<string, RestProcedure>,
) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, JsonSchema> = {};
  for (const procedure of procedures.values()) {
    paths[`/api/${procedure.name}`] = {
      ...(procedure.gettable ? { get: operation(procedure, "get", schemas) } : {}),
      post: operation(procedure, "post", schemas),
    };
  }
  return {
    openapi: "3.1.1",
    info: { title: `Vextrus ${info.name}`, version: info.version },
    paths,
    components: { ...SHARED_COMPONENTS, schemas: { ...SHARED_COMPONENTS.schemas, ...schemas } },
  };
}

export type OpenApiDocument = ReturnType<typeof serviceOpenApi>;

/**
 * The part of a service's document under one namespace (`imports`), as if the namespace were a
 * service of its own: `/api/imports.create` becomes `/api/create` (for a service the gateway routes
 * under several names, each with a base URL of its own).
 */
export function namespaceOpenApi(document: OpenApiDocument, namespace: string): OpenApiDocument {
  const prefix = `/api/${namespace}.`;
  const paths: OpenApiDocument["paths"] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith(prefix)) {
      continue;
    }
    const name = path.slice(prefix.length);
    const [first] = name.split(".");
    paths[`/api/${name}`] = Object.fromEntries(
      Object.entries(item).map(([method, op]) => [
        method,
        {
          ...(op as Record<string, unknown>),
          operationId: method === "get" ? `${name}.get` : name,
          summary: name,
          tags: first === name ? [] : [first],
        },
      ]),
    );
  }
  return { ...document, paths };
}

/** A service's document without the paths under some namespaces (they are described under their own names). */
export function withoutNamespaces(document: OpenApiDocument, namespaces: readonly string[]): OpenApiDocument {
  const paths = Object.fromEntries(
    Object.entries(document.paths).filter(
      ([path]) => !namespaces.some((namespace) => path.startsWith(`/api/${namespace}.`)),
    ),
  );
  return { ...document, paths };
}
