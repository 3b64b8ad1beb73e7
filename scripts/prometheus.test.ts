/**
 * ops/prometheus and ops/grafana against promtool and the code: the scrape configuration and the alert
 * rules pass `promtool check`, the alert rules' unit tests pass `promtool test rules`, the scrape
 * targets are compose's services, and every metric an alert or a dashboard panel queries is one the
 * code exports (metric definitions read from the source, plus what the platform registry really serves).
 * Also the naming rules: no `_total` on a gauge, no tenant label on any metric.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createMetrics } from "@vextrus/platform";
import { child, compose, serviceEnvironment } from "./compose.ts";
import { repoRoot } from "./test-infra/process.ts";

const PROMETHEUS = join(repoRoot, "ops/prometheus");
const DASHBOARDS = join(repoRoot, "ops/grafana/dashboards");

function promtool(): string {
  const found = Bun.which("promtool");
  if (!found) {
    throw new Error(
      "promtool is missing: install Debian's prometheus package (apt-get install prometheus; .ci/run does it)",
    );
  }
  return found;
}

async function runPromtool(...args: string[]): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn([promtool(), ...args], { cwd: PROMETHEUS, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, output: `${out}${err}` };
}

interface Definition {
  name: string;
  kind: "counter" | "gauge" | "histogram" | "summary";
  labels: string[];
  file: string;
}

/** Every metric the services and packages define (prom-client constructors and collected-gauge helpers). */
function definedMetrics(): Definition[] {
  const files = ["packages", "services"].flatMap((top) =>
    readdirSync(join(repoRoot, top), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        [...new Bun.Glob("src/**/*.ts").scanSync(join(repoRoot, top, entry.name))].map((file) =>
          join(top, entry.name, file),
        ),
      ),
  );
  const found: Definition[] = [];
  for (const file of files) {
    const text = readFileSync(join(repoRoot, file), "utf8");
    for (const match of text.matchAll(
      /new (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*"([^"]+)"([\s\S]*?)\}\)/g,
    )) {
      const labels = /labelNames:\s*\[([^\]]*)\]/.exec(match[3] ?? "")?.[1] ?? "";
      found.push({
        name: match[2] ?? "",
        kind: (match[1] ?? "").toLowerCase() as Definition["kind"],
        labels: [...labels.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? ""),
        file,
      });
    }
    // registerCollectedGauge(registry, "name", …) and the scheduler's gauge("name", …) helper.
    for (const match of text.matchAll(
      /(?:registerCollectedGauge\(\s*[\w.]+,\s*|\bgauge\(\s*)"(vextrus_[a-z0-9_]+)"/g,
    )) {
      found.push({ name: match[1] ?? "", kind: "gauge", labels: [], file });
    }
  }
  return found;
}

const definitions = definedMetrics();

/** Series names a query may use: counters and gauges as named, histograms by their three series. */
async function exportedSeries(): Promise<Set<string>> {
  const names = new Set<string>(["up"]);
  for (const { name, kind } of definitions) {
    if (kind === "histogram" || kind === "summary") {
      for (const suffix of ["_bucket", "_count", "_sum"]) {
        names.add(`${name}${suffix}`);
      }
    } else {
      names.add(name);
    }
  }
  // What the platform registry of every service really serves (default process metrics included).
  const text = await createMetrics("probe").registry.metrics();
  for (const match of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{| )/gm)) {
    names.add(match[1] ?? "");
  }
  return names;
}

const PROMQL_WORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "offset",
  "bool",
  "inf",
  "nan",
]);

/** The metric names a PromQL expression reads (functions, keywords, labels and durations dropped). */
export function metricsIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)) {
    const word = match[1] ?? "";
    if (match[2] === "(" || PROMQL_WORDS.has(word.toLowerCase()) || /^\d/.test(word)) {
      continue;
    }
    names.add(word);
  }
  return [...names];
}

/** Alert rules as { alert, expr } from alerts.yml. */
function alertRules(): Array<{ alert: string; expr: string }> {
  const doc = Bun.YAML.parse(readFileSync(join(PROMETHEUS, "alerts.yml"), "utf8")) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
  };
  return doc.groups.flatMap((group) => group.rules);
}

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}

function dashboards(): Array<{ file: string; uid: string; panels: Panel[]; variables: string[] }> {
  return readdirSync(DASHBOARDS)
    .filter((file) => file.endsWith(".json"))
    .map((file) => {
      const doc = JSON.parse(readFileSync(join(DASHBOARDS, file), "utf8"));
      const variables = (doc.templating?.list ?? []).map(
        (v: { query?: { query?: string } }) => v.query?.query ?? "",
      );
      return { file, uid: doc.uid, panels: doc.panels, variables };
    });
}

describe("promtool", () => {
  test("checks the scrape configuration and the rules it loads", async () => {
    const result = await runPromtool("check", "config", "prometheus.yml");
    expect(result).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  test("checks the alert rules", async () => {
    const result = await runPromtool("check", "rules", "alerts.yml");
    expect(result).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  test("runs the alert rules' unit tests (alerts.test.yml)", async () => {
    const result = await runPromtool("test", "rules", "alerts.test.yml");
    expect(result).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });
});

test("every alert the issue asks for exists, and each has a unit test where it fires", () => {
  const alerts = alertRules().map((rule) => rule.alert);
  expect(alerts).toEqual(
    expect.arrayContaining([
      "VextrusServiceDown",
      "VextrusServiceNotReady",
      "VextrusHigh5xxRatio",
      "VextrusHighP99Latency",
      "VextrusOutboxBacklog",
      "VextrusOutboxStale",
      "VextrusConsumerLag",
      "VextrusDeadLetters",
      "VextrusAuditChainBroken",
      "VextrusSchedulerLag",
    ]),
  );
  const tests = Bun.YAML.parse(readFileSync(join(PROMETHEUS, "alerts.test.yml"), "utf8")) as {
    tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
  };
  const firing = new Set(
    tests.tests.flatMap((t) =>
      t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
    ),
  );
  expect(alerts.filter((alert) => !firing.has(alert))).toEqual([]);
});

test("Prometheus scrapes every service of compose.yaml at its compose name and PORT, and nothing else", () => {
  const config = Bun.YAML.parse(readFileSync(join(PROMETHEUS, "prometheus.yml"), "utf8")) as {
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  const job = config.scrape_configs.find((c) => c.job_name === "vextrus");
  const targets = (job?.static_configs ?? []).flatMap((c) => c.targets).sort();
  const services = Object.entries(child(compose, "services"))
    .filter(([name]) => serviceEnvironment(name, {}).PORT !== undefined)
    .map(([name]) => `${name}:${serviceEnvironment(name, {}).PORT}`)
    .sort();
  expect(targets).toEqual(services);
});

test("every metric an alert or a dashboard panel queries is one the code exports", async () => {
  const exported = await exportedSeries();
  const unknown: string[] = [];
  for (const { alert, expr } of alertRules()) {
    for (const name of metricsIn(expr).filter((n) => !exported.has(n))) {
      unknown.push(`alerts.yml ${alert}: ${name}`);
    }
  }
  let panels = 0;
  for (const { file, panels: list, variables } of dashboards()) {
    for (const panel of list) {
      expect({ file, panel: panel.title, targets: (panel.targets ?? []).length > 0 }).toEqual({
        file,
        panel: panel.title,
        targets: true,
      });
      for (const { expr } of panel.targets ?? []) {
        panels += 1;
        for (const name of metricsIn(expr).filter((n) => !exported.has(n))) {
          unknown.push(`${file} "${panel.title}": ${name}`);
        }
      }
    }
    for (const query of variables) {
      for (const name of metricsIn(query.replace(/^label_values\((.*),[^,]*\)$/, "$1")).filter(
        (n) => !exported.has(n),
      )) {
        unknown.push(`${file} variable: ${name}`);
      }
    }
  }
  expect(panels).toBeGreaterThan(30);
  expect(unknown).toEqual([]);
});

test("the query check is not blind: a misspelt metric is reported", async () => {
  const exported = await exportedSeries();
  expect(metricsIn('sum by (service) (rate(vextrus_events_publishd_total{service="x"}[5m])) > 0')).toEqual([
    "vextrus_events_publishd_total",
  ]);
  expect(exported.has("vextrus_events_publishd_total")).toBe(false);
  expect(exported.has("vextrus_events_published_total")).toBe(true);
  expect(exported.has("http_request_duration_seconds_bucket")).toBe(true);
  expect(exported.has("process_resident_memory_bytes")).toBe(true);
});

test("the dashboards are overview, per service, events pipeline and tenants, with unique uids", () => {
  const list = dashboards();
  expect(list.map((d) => d.file).sort()).toEqual([
    "events.json",
    "overview.json",
    "service.json",
    "tenants.json",
  ]);
  expect(new Set(list.map((d) => d.uid)).size).toBe(list.length);
});

test("metric names: vextrus_<service>_<thing>_<unit>, no `_total` on a gauge, no tenant label anywhere", () => {
  expect(definitions.length).toBeGreaterThan(30);
  const problems: string[] = [];
  for (const { name, kind, labels, file } of definitions) {
    if (kind === "gauge" && name.endsWith("_total")) {
      problems.push(`${file}: gauge ${name} ends in _total (a gauge is not a counter)`);
    }
    if (kind === "counter" && !name.endsWith("_total")) {
      problems.push(`${file}: counter ${name} does not end in _total`);
    }
    if (labels.some((label) => /tenant/i.test(label))) {
      problems.push(`${file}: ${name} has a tenant label (per-tenant detail belongs in the API)`);
    }
    if (!name.startsWith("vextrus_") && name !== "http_request_duration_seconds") {
      problems.push(`${file}: ${name} is not named vextrus_<service>_<thing>_<unit>`);
    }
  }
  expect(problems).toEqual([]);
});
