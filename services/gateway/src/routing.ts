import { type GatewayError, unknownProcedure, unknownService } from "./errors.ts";

/**
 * Service name → base URL (`http://127.0.0.1:3002`). The gateway's only knowledge of the services;
 * with several replicas each read names the next ready one (replicas.ts).
 */
export type ServiceTable = Readonly<Record<string, string>>;

/** One call of a request: `organization.departments.create` → service + the service's own path. */
export type Call =
  | { index: number; service: string; procedure: string; error?: undefined }
  | { index: number; error: GatewayError };

/** A service as callers name it: `auth`, `rules`, `masterData`. */
const SERVICE = /^[a-z][A-Za-z0-9-]{0,40}$/;
const PROCEDURE = /^[A-Za-z0-9_$-]{1,100}(\.[A-Za-z0-9_$-]{1,100}){0,9}$/;

function routeOne(path: string, index: number, table: ServiceTable): Call {
  const dot = path.indexOf(".");
  const service = dot === -1 ? path : path.slice(0, dot);
  const procedure = dot === -1 ? "" : path.slice(dot + 1);
  if (!SERVICE.test(service)) {
    return { index, error: unknownProcedure() };
  }
  if (!Object.hasOwn(table, service)) {
    return { index, error: unknownService(service) };
  }
  if (!PROCEDURE.test(procedure)) {
    return { index, error: unknownProcedure() };
  }
  return { index, service, procedure };
}

/**
 * The calls named by a tRPC URL path (`/trpc/a.b,c.d` for a batch). Each call is routed on its own,
 * so one unknown name in a batch fails that call only, as tRPC itself does.
 */
export function routeCalls(encodedPaths: string, isBatch: boolean, table: ServiceTable): Call[] | undefined {
  let paths: string;
  try {
    paths = decodeURIComponent(encodedPaths);
  } catch {
    return undefined;
  }
  const names = isBatch ? paths.split(",") : [paths];
  return names.map((name, index) => routeOne(name, index, table));
}
