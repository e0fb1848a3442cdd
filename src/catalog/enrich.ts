import type { Analysis, EventCoverage } from "../analysis/model.ts";
import type { RuleRecord } from "../core/rule.ts";
import { resolveTactic, resolveTechnique } from "../knowledge/attack.ts";
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
): { techniques: TechniqueRef[]; tactics: string[]; events: EventCoverage[] } {
  // A Sigma category decides what some Sysmon fields describe: in
  // image_load, OriginalFileName is the loaded DLL's, not the process's.
  const category =
    rule.source === "sigma" ? rule.logsource?.category?.trim() : undefined;
  applyCanonicalFields(analysis, {
    language: analysis.language,
    ...(category ? { source: category } : {}),
  });
  const events =
    rule.source === "sigma"
      ? inferSigmaCoverage(rule, analysis)
      : inferEventCoverage(rule, analysis);
  return {
    techniques: resolveTechniques(rule.techniques),
    tactics: resolveTactics(rule.tactics),
    events,
  };
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

/** Resolves declared tactics to current names; unknown names are dropped. */
function resolveTactics(declared: readonly string[]): string[] {
  const names = new Set<string>();
  for (const name of declared) {
    const tactic = resolveTactic(name);
    if (tactic) names.add(tactic.name);
  }
  return [...names];
}
