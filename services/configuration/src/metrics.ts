import { Counter, type Registry } from "prom-client";

/** Business metrics of the configuration service (no tenant ids as labels). */
export function createConfigurationMetrics(registry: Registry) {
  const valuesSet = new Counter({
    name: "vextrus_configuration_values_set_total",
    help: "Value versions written by this process, by kind (setting or flag)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const resolutions = new Counter({
    name: "vextrus_configuration_resolutions_total",
    help: "Keys resolved by this process, by where the answer came from (a scope level or default)",
    labelNames: ["source"] as const,
    registers: [registry],
  });
  const flagEvaluations = new Counter({
    name: "vextrus_configuration_flag_evaluations_total",
    help: "Flags evaluated by this process, by OpenFeature reason",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  return { valuesSet, resolutions, flagEvaluations };
}

export type ConfigurationMetrics = ReturnType<typeof createConfigurationMetrics>;
