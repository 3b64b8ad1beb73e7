/**
 * The names the gateway routes services by, where they differ from the folder name: callers write
 * `rules.evaluate`, `masterData.parties.list`, `files.get`, `config.resolve`. Used by `npm start` and the compose test.
 */
export const ROUTE_NAMES: Readonly<Record<string, string>> = {
  "rules-engine": "rules",
  "master-data": "masterData",
  "file-storage": "files",
  configuration: "config",
};
