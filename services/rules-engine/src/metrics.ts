import { Counter, Histogram, type Registry } from "prom-client";

/** The built-in rule sets keep their name as a label; a tenant's own sets count as "custom". */
const BUILT_IN = new Set(["tax.vat", "purchase.approval", "rajuk.building"]);
export const ruleSetLabel = (key: string): string => (BUILT_IN.has(key) ? key : "custom");

/** Business metrics of the rules engine, registered on the service's own registry. */
export function createRulesMetrics(registry: Registry) {
  const evaluations = new Counter({
    name: "vextrus_rules_evaluations_total",
    help: "Rule set evaluations by rule set, kind (evaluate, replay, simulate) and outcome",
    labelNames: ["rule_set", "kind", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "vextrus_rules_evaluation_duration_seconds",
    help: "Time to evaluate a rule set, storing included",
    labelNames: ["rule_set"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const compilations = new Counter({
    name: "vextrus_rules_compilations_total",
    help: "Rule versions compiled (a cache miss)",
    registers: [registry],
  });
  return { evaluations, duration, compilations };
}

export type RulesMetrics = ReturnType<typeof createRulesMetrics>;
