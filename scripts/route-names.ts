/**
 * The names the gateway routes services by, where they differ from the folder name: callers write
 * `rules.evaluate`, `masterData.parties.list`, `files.get`, `documents.render`, `config.resolve`. Used by `npm start` and the compose test.
 */
export const ROUTE_NAMES: Readonly<Record<string, string>> = {
  "rules-engine": "rules",
  "master-data": "masterData",
  "file-storage": "files",
  "document-generator": "documents",
  configuration: "config",
};

/**
 * Services answering more than one name: each name has a base URL of its own under the service
 * (`imports.create` → `<import-export>/imports/trpc/create`).
 */
export const SERVICE_NAMESPACES: Readonly<Record<string, readonly string[]>> = {
  "import-export": ["imports", "exports"],
  notification: ["notification", "webhooks"],
};

/** The gateway's table entries of a service folder at `url`: `[name, base URL]` for each name it answers. */
export function routesOf(folder: string, url: string): [string, string][] {
  const namespaces = SERVICE_NAMESPACES[folder];
  return namespaces
    ? namespaces.map((name) => [name, `${url}/${name}`])
    : [[ROUTE_NAMES[folder] ?? folder, url]];
}
