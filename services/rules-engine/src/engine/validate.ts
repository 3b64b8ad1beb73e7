import { invalidField } from "@vextrus/platform";
import { checkFormula, FormulaError } from "./compile-formula.ts";
import { OPERATORS_BY_TYPE, operandOf } from "./conditions.ts";
import { cmpDec, type Dec } from "./decimal.ts";
import type { ValueType } from "./functions.ts";
import type { ConditionInput, FactCatalog, FactType, RuleBody } from "./model.ts";

/** How an output leaves an evaluation. */
export type OutputKind = "money" | "number" | "string" | "boolean";

export const valueTypeOfOutput = (kind: OutputKind): ValueType =>
  kind === "money" || kind === "number" ? "decimal" : kind;

/** An output another rule of the set already sets: for conflict and scope checks. */
export interface OutputClaim {
  output: string;
  kind: OutputKind;
  priority: number;
  ruleKey: string;
}

const MAX_DEPTH = 12;

const fail = (path: string, code: string, en: string, bn: string) => invalidField(path, code, { en, bn });

function checkOperand(type: FactType, spec: FactCatalog[string], value: unknown, path: string): void {
  const operand = operandOf(type, value);
  if (operand === undefined) {
    throw fail(path, "rules.condition.type", `Expected a ${type} value here`, `এখানে একটি ${type} মান প্রয়োজন`);
  }
  if (type === "string" && spec.values && typeof operand === "string" && !spec.values.includes(operand)) {
    throw fail(
      path,
      "rules.condition.value",
      `"${operand}" is not one of ${spec.values.join(", ")}`,
      `"${operand}" অনুমোদিত মানগুলোর একটি নয়`,
    );
  }
}

function checkCondition(
  node: ConditionInput,
  path: string,
  catalog: FactCatalog,
  used: Record<string, FactType>,
  depth: number,
): void {
  if (depth > MAX_DEPTH) {
    throw fail(
      path,
      "rules.condition.depth",
      "Conditions are nested too deeply",
      "শর্তগুলো অতিরিক্ত গভীরে নেস্ট করা",
    );
  }
  if ("all" in node) {
    node.all.forEach((child, i) => {
      checkCondition(child, `${path}.all.${i}`, catalog, used, depth + 1);
    });
    return;
  }
  if ("any" in node) {
    node.any.forEach((child, i) => {
      checkCondition(child, `${path}.any.${i}`, catalog, used, depth + 1);
    });
    return;
  }
  if ("not" in node) {
    checkCondition(node.not, `${path}.not`, catalog, used, depth + 1);
    return;
  }
  const spec = Object.hasOwn(catalog, node.fact) ? catalog[node.fact] : undefined;
  if (!spec) {
    throw fail(
      `${path}.fact`,
      "rules.fact.unknown",
      `Unknown fact "${node.fact}" for this rule set`,
      `এই নিয়ম-সেটে "${node.fact}" নামে কোনো তথ্য নেই`,
    );
  }
  used[node.fact] = spec.type;
  if (!OPERATORS_BY_TYPE[spec.type].includes(node.op)) {
    throw fail(
      `${path}.op`,
      "rules.condition.operator",
      `${node.op} does not apply to a ${spec.type} fact`,
      `${node.op} একটি ${spec.type} তথ্যে প্রযোজ্য নয়`,
    );
  }
  const valuePath = `${path}.value`;
  const { value } = node;
  if (node.op === "exists") {
    if (value !== undefined) {
      throw fail(valuePath, "rules.condition.value", "exists takes no value", "exists-এর কোনো মান লাগে না");
    }
    return;
  }
  if (node.op === "in" || node.op === "notIn" || node.op === "between") {
    if (!Array.isArray(value) || value.length === 0 || (node.op === "between" && value.length !== 2)) {
      throw fail(
        valuePath,
        "rules.condition.value",
        node.op === "between" ? "between takes [low, high]" : `${node.op} takes a non-empty list`,
        node.op === "between" ? "between-এর জন্য [নিম্ন, উচ্চ] দিন" : `${node.op}-এর জন্য একটি তালিকা দিন`,
      );
    }
    value.forEach((item, i) => {
      checkOperand(spec.type, spec, item, `${valuePath}.${i}`);
    });
    if (node.op === "between") {
      const [low, high] = value.map((item) => operandOf(spec.type, item));
      const reversed =
        typeof low === "object" && typeof high === "object"
          ? cmpDec(low as Dec, high as Dec) > 0
          : String(low) > String(high);
      if (reversed) {
        throw fail(
          valuePath,
          "rules.condition.range",
          "low must not exceed high",
          "নিম্ন মান উচ্চ মানের বেশি হতে পারে না",
        );
      }
    }
    return;
  }
  if (Array.isArray(value) || value === undefined) {
    throw fail(
      valuePath,
      "rules.condition.value",
      `${node.op} takes one value`,
      `${node.op}-এর জন্য একটি মান দিন`,
    );
  }
  checkOperand(spec.type, spec, value, valuePath);
}

export const literalKind = (value: string | number | boolean): OutputKind =>
  typeof value === "number" ? "number" : typeof value === "string" ? "string" : "boolean";

/**
 * Checks a rule against its rule set's facts and the outputs other rules set. Throws VALIDATION naming
 * the path of the first fault (under `prefix`, e.g. `draftRules.2.`); returns the facts it reads and
 * the outputs it sets.
 */
export function validateRule(
  body: RuleBody,
  catalog: FactCatalog,
  others: readonly OutputClaim[],
  prefix = "",
): { factTypes: Record<string, FactType>; outputs: { output: string; kind: OutputKind }[] } {
  const used: Record<string, FactType> = {};
  if (body.effectiveTo && body.effectiveTo < body.effectiveFrom) {
    throw fail(
      `${prefix}effectiveTo`,
      "rules.rule.dates",
      "effectiveTo is before effectiveFrom",
      "effectiveTo তারিখটি effectiveFrom-এর আগে",
    );
  }
  checkCondition(body.when, `${prefix}when`, catalog, used, 0);
  const outputs: { output: string; kind: OutputKind }[] = [];
  body.actions.forEach((action, i) => {
    const path = `${prefix}actions.${i}`;
    if (action.kind === "require_committee" && action.required > action.of) {
      throw fail(
        `${path}.required`,
        "rules.action.committee",
        "required cannot exceed of",
        "required, of-এর বেশি হতে পারে না",
      );
    }
    if (action.kind !== "set") {
      return;
    }
    const hasValue = action.value !== undefined;
    const hasFormula = action.formula !== undefined;
    if (hasValue === hasFormula) {
      throw fail(
        path,
        "rules.action.set",
        "Give either value or formula",
        "value অথবা formula — যেকোনো একটি দিন",
      );
    }
    if (hasValue && action.as) {
      throw fail(`${path}.as`, "rules.action.set", "as applies to formulas only", "as শুধু formula-র জন্য");
    }
    let kind: OutputKind;
    if (action.formula !== undefined) {
      const earlier = new Map<string, ValueType>();
      for (const claim of others) {
        if (claim.priority > body.priority) {
          earlier.set(claim.output, valueTypeOfOutput(claim.kind));
        }
      }
      for (const set of outputs) {
        earlier.set(set.output, valueTypeOfOutput(set.kind));
      }
      try {
        const { type } = checkFormula(action.formula, {
          fact: (name) => {
            const spec = Object.hasOwn(catalog, name) ? catalog[name] : undefined;
            if (spec) {
              used[name] = spec.type;
            }
            return spec?.type;
          },
          output: (name) => earlier.get(name),
        });
        if (type !== "decimal") {
          throw new FormulaError("rules.formula.type", `A formula must compute a number, not a ${type}`, 0);
        }
      } catch (error) {
        if (error instanceof FormulaError) {
          throw fail(`${path}.formula`, error.code, error.message, `সূত্রে ত্রুটি: ${error.message}`);
        }
        throw error;
      }
      kind = action.as ?? "money";
    } else {
      kind = literalKind(action.value ?? "");
    }
    if (outputs.some((o) => o.output === action.output)) {
      throw fail(
        `${path}.output`,
        "rules.output.conflict",
        `This rule already sets ${action.output}`,
        `এই নিয়ম ইতিমধ্যে ${action.output} নির্ধারণ করে`,
      );
    }
    for (const claim of others) {
      if (claim.output !== action.output) {
        continue;
      }
      if (claim.priority === body.priority || claim.kind !== kind) {
        throw fail(
          `${path}.output`,
          "rules.output.conflict",
          claim.kind !== kind
            ? `Rule ${claim.ruleKey} sets ${action.output} as ${claim.kind}, not ${kind}`
            : `Rule ${claim.ruleKey} sets ${action.output} at the same priority (${body.priority}): the order would be ambiguous`,
          `নিয়ম ${claim.ruleKey}-ও ${action.output} নির্ধারণ করে (সংঘাত)`,
        );
      }
    }
    outputs.push({ output: action.output, kind });
  });
  return { factTypes: used, outputs };
}
