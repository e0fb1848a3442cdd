import type { Analysis, EventCoverage } from "../analysis/model.ts";
import type { RuleRecord } from "../core/rule.ts";
import { resolveTechnique } from "../knowledge/attack.ts";
import { inferEventCoverage } from "../knowledge/coverage.ts";
import { applyCanonicalFields } from "../knowledge/fields.ts";
import { inferSigmaCoverage } from "../knowledge/sigma-logsource.ts";
import type { TechniqueRef } from "./entry.ts";

/**
 * Resolves a rule's ATT&CK techniques to current names and infers the log
 * events it needs. Sets canonical field names on the analysis's predicates
 * in place.
 */
export function enrichRule(
  rule: RuleRecord,
  analysis: Analysis,
): { techniques: TechniqueRef[]; events: EventCoverage[] } {
  applyCanonicalFields(analysis, { language: analysis.language });
  const events =
    rule.source === "sigma"
      ? inferSigmaCoverage(rule, analysis)
      : inferEventCoverage(rule, analysis);
  return { techniques: resolveTechniques(rule.techniques), events };
}

/** Resolves declared ids, keeping one entry per current technique. */
function resolveTechniques(declared: readonly string[]): TechniqueRef[] {
  const seen = new Set<string>();
  const techniques: TechniqueRef[] = [];
  for (const id of declared) {
    const technique = resolveTechnique(id);
    if (seen.has(technique.id)) continue;
    seen.add(technique.id);
    techniques.push(technique);
  }
  return techniques;
}
