import { formatDiagnostic } from "../core/diagnostic.ts";
import type { Span } from "../core/span.ts";
import type {
  Analysis,
  LogicNode,
  Predicate,
  SearchTerm,
  Threshold,
} from "./model.ts";

/**
 * Renders an analysis as plain text for `ruleatlas explain`: stages with
 * their full text, indicators, exclusions, thresholds, search terms,
 * references, the logic tree and diagnostics. Stages are numbered from 1,
 * and `P`, `T` and `H` numbers name predicates, terms and thresholds in
 * the logic tree.
 */
export function formatAnalysisText(analysis: Analysis): string {
  const sections = [
    `Language: ${analysis.language}`,
    stagesSection(analysis),
    predicatesSection(
      "Indicators",
      analysis,
      (predicate) => predicate.role === "indicator",
    ),
    predicatesSection(
      "Exclusions",
      analysis,
      (predicate) => predicate.role === "exclusion",
    ),
    predicatesSection(
      "Data selection",
      analysis,
      (predicate) => predicate.role === "selection",
    ),
    thresholdsSection(analysis.thresholds),
    termsSection(analysis.searchTerms),
    referencesSection(analysis),
    `Logic\n${logicLines(analysis, analysis.logic, "  ").join("\n")}`,
    diagnosticsSection(analysis),
  ];
  return sections.filter((section) => section !== "").join("\n\n") + "\n";
}

function at(span: Span): string {
  return `${span.line}:${span.column}`;
}

function stagesSection(analysis: Analysis): string {
  if (analysis.stages.length === 0) return "Stages: none";
  const lines = ["Stages"];
  for (const stage of analysis.stages) {
    const notes: string[] = [];
    if (stage.filters) notes.push("filters");
    if (stage.macro) {
      const args = stage.macro.arguments;
      const call = args.length > 0 ? `(${args.join(", ")})` : "";
      notes.push(`macro ${stage.macro.name}${call}`);
    }
    const suffix = notes.length > 0 ? ` (${notes.join(", ")})` : "";
    lines.push(`  ${stage.index + 1}. ${stage.command}${suffix}`);
    lines.push(indent(stage.text, "     "));
    if (stage.macro?.expansion !== undefined) {
      lines.push("     expands to:");
      lines.push(indent(stage.macro.expansion, "       "));
    }
  }
  return lines.join("\n");
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

export function describePredicate(predicate: Predicate): string {
  const values =
    predicate.values.length === 0
      ? ""
      : ` ${predicate.values.map(quoteValue).join(", ")}`;
  const not = predicate.negated ? "NOT " : "";
  return `${not}${predicate.field} ${predicate.kind}${values}`;
}

function predicateNotes(predicate: Predicate): string {
  const notes = [`stage ${predicate.stage + 1}`, at(predicate.span)];
  if (predicate.caseSensitive) notes.push("case-sensitive");
  if (predicate.origin) notes.push(`from ${predicate.origin}`);
  if (predicate.macro) notes.push(`macro ${predicate.macro}`);
  return notes.join(", ");
}

function predicatesSection(
  title: string,
  analysis: Analysis,
  keep: (predicate: Predicate) => boolean,
): string {
  const lines: string[] = [];
  analysis.predicates.forEach((predicate, index) => {
    if (!keep(predicate)) return;
    lines.push(
      `  P${index} ${describePredicate(predicate)}  (${predicateNotes(predicate)})`,
    );
  });
  return lines.length === 0 ? `${title}: none` : [title, ...lines].join("\n");
}

function thresholdsSection(thresholds: readonly Threshold[]): string {
  if (thresholds.length === 0) return "Thresholds: none";
  const lines = thresholds.map(
    (threshold, index) =>
      `  H${index} ${threshold.text}  (stage ${threshold.stage + 1}, ${at(threshold.span)})`,
  );
  return ["Thresholds", ...lines].join("\n");
}

function describeTerm(term: SearchTerm): string {
  const text = term.phrase ? quoteValue(term.text) : term.text;
  const wrapped = term.directive ? `${term.directive}(${text})` : text;
  return term.negated ? `NOT ${wrapped}` : wrapped;
}

function termsSection(terms: readonly SearchTerm[]): string {
  if (terms.length === 0) return "Search terms: none";
  const lines = terms.map((term, index) => {
    const notes = [`stage ${term.stage + 1}`, at(term.span), term.role];
    if (term.match) notes.push(`matches as ${term.match}`);
    if (term.macro) notes.push(`macro ${term.macro}`);
    if (term.origin) notes.push(`from ${term.origin}`);
    return `  T${index} ${describeTerm(term)}  (${notes.join(", ")})`;
  });
  return ["Search terms", ...lines].join("\n");
}

function referencesSection(analysis: Analysis): string {
  if (analysis.references.length === 0)
    return "Macros, lookups and data sources: none";
  const lines = analysis.references.map((reference) => {
    const args =
      reference.arguments && reference.arguments.length > 0
        ? `(${reference.arguments.join(", ")})`
        : "";
    const notes = [`stage ${reference.stage + 1}`];
    if (reference.status) notes.push(reference.status);
    return `  ${reference.kind} ${reference.name}${args}  (${notes.join(", ")})`;
  });
  return ["Macros, lookups and data sources", ...lines].join("\n");
}

function logicLines(
  analysis: Analysis,
  node: LogicNode,
  prefix: string,
): string[] {
  switch (node.type) {
    case "and":
    case "or": {
      const lines = [`${prefix}${node.type.toUpperCase()}`];
      for (const child of node.children) {
        lines.push(...logicLines(analysis, child, prefix + "  "));
      }
      return lines;
    }
    case "not":
      return [
        `${prefix}NOT`,
        ...logicLines(analysis, node.child, prefix + "  "),
      ];
    case "predicate": {
      const predicate = analysis.predicates[node.index];
      const text = predicate
        ? `${predicate.field} ${predicate.kind} ${predicate.values.map(quoteValue).join(", ")}`
        : "missing";
      return [`${prefix}P${node.index} ${text.trimEnd()}`];
    }
    case "term": {
      const term = analysis.searchTerms[node.index];
      const text = term ? describeTerm({ ...term, negated: false }) : "missing";
      return [`${prefix}T${node.index} ${text}`];
    }
    case "threshold": {
      const threshold = analysis.thresholds[node.index];
      return [`${prefix}H${node.index} ${threshold?.text ?? "missing"}`];
    }
    case "opaque":
      return [`${prefix}opaque ${node.label}`];
    case "true":
      return [`${prefix}(matches all)`];
    default: {
      const unknown: never = node;
      return unknown;
    }
  }
}

function diagnosticsSection(analysis: Analysis): string {
  if (analysis.diagnostics.length === 0) return "Diagnostics: none";
  const lines = analysis.diagnostics.map(
    (diagnostic) => `  ${formatDiagnostic(diagnostic)}`,
  );
  return ["Diagnostics", ...lines].join("\n");
}

/**
 * Quotes a value for reading: backslashes stay as written, so a Windows
 * path reads `"\net.exe"` with one backslash, and only an inner `"` is
 * escaped.
 */
function quoteValue(value: string): string {
  return `"${value.replaceAll('"', '\\"')}"`;
}
