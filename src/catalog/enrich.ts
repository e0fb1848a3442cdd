import type { Analysis, EventCoverage } from "../analysis/model.ts";
import type { RuleRecord } from "../core/rule.ts";
import {
  resolveTactic,
  resolveTechnique,
  resolveTechniqueByName,
} from "../knowledge/attack.ts";
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
    techniques:
      rule.techniques.length > 0
        ? resolveTechniques(rule.techniques)
        : techniquesByName(rule),
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

/**
 * Resolves armory `tactic:technique name` entries, for rules that declare
 * no technique id. An entry whose prefix is no tactic, or whose name is
 * unknown or ambiguous, is dropped.
 */
function techniquesByName(rule: RuleRecord): TechniqueRef[] {
  if (rule.source !== "armory") return [];
  const seen = new Set<string>();
  const techniques: TechniqueRef[] = [];
  for (const entry of rule.tags.techniques ?? []) {
    const colon = entry.indexOf(":");
    if (colon <= 0 || !resolveTactic(entry.slice(0, colon))) continue;
    const technique = resolveTechniqueByName(entry.slice(colon + 1));
    if (!technique || seen.has(technique.id)) continue;
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
