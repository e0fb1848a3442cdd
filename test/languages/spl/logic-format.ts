import type { Analysis } from "../../../src/analysis/model.ts";

/**
 * Renders analysis logic as a compact formula for case tables:
 * `AND(OR(a, b), c)`, with predicates as `field kind value`.
 */
export function formula(analysis: Analysis, node = analysis.logic): string {
  switch (node.type) {
    case "and":
    case "or": {
      const children = node.children.map((child) => formula(analysis, child));
      return `${node.type.toUpperCase()}(${children.join(", ")})`;
    }
    case "not":
      return `NOT(${formula(analysis, node.child)})`;
    case "predicate": {
      const predicate = analysis.predicates[node.index];
      return [predicate.field, predicate.kind, ...predicate.values].join(" ");
    }
    case "term":
      return analysis.searchTerms[node.index].text;
    case "threshold":
      return `threshold(${analysis.thresholds[node.index].text})`;
    case "opaque":
      return `opaque(${node.label})`;
    case "true":
      return "true";
  }
}
