import type { Analysis, EventCoverage } from "../analysis/model.ts";
import type { RuleRecord } from "../core/rule.ts";
import type { TechniqueRef } from "./entry.ts";

/**
 * Adds what the knowledge layer knows about a rule: its ATT&CK techniques
 * under current names, the log events it needs, and canonical field names.
 */
export function enrichRule(
  rule: RuleRecord,
  analysis: Analysis,
): { techniques: TechniqueRef[]; events: EventCoverage[] } {
  // TODO: resolve techniques and events through src/knowledge once it lands.
  void analysis;
  return {
    techniques: rule.techniques.map((id) => ({
      declaredId: id,
      id,
      name: id,
      tactics: [],
      status: "unknown",
    })),
    events: [],
  };
}
