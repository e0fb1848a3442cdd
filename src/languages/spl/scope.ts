import type {
  Analysis,
  LogicNode,
  PredicateKind,
  Reference,
} from "../../analysis/model.ts";
import type { Span } from "../../core/span.ts";
import type { MacroLibrary } from "../registry.ts";
import { DATA_SELECTION_FIELDS } from "./values.ts";

/**
 * The analyser's position in a query: the stage, whether a NOT applies, and
 * the macro expansion it is in. Spans of nodes read from a macro
 * definition point into the definition, so `callSpan` replaces them with
 * the span of the call in the rule's own text.
 */
export interface Scope {
  stage: number;
  negated: boolean;
  /** The text that node spans refer to: the query or a macro expansion. */
  text: string;
  /** Name of the rule-level macro call being expanded. */
  macro?: string;
  callSpan?: Span;
  /** `subsearch` for items read inside a subsearch. */
  origin?: string;
  /** Fields an earlier stats, eval or transaction computed. */
  computed: Set<string>;
  /**
   * A flag shared by the stages of one pipeline, set once a macro stage
   * past the first stage ran without a definition, so its outputs are unknown.
   */
  unknownStage: { seen: boolean };
  /**
   * Set inside `tstats ... where`, where `nodename=X` names a data model
   * dataset instead of matching a field; the values are collected here.
   */
  datamodelNodes?: string[];
  /** Macros being expanded, outermost first, to stop recursion. */
  macroStack: string[];
}

/** The analysis being built, with helpers that add items to it. */
export class AnalysisBuilder {
  /** Macros whose definitions failed to parse, reported once each. */
  readonly reportedMacros = new Set<string>();
  /** Macro expansions done so far for this query. */
  expansions = 0;
  /** Characters those expansions produced. */
  expandedLength = 0;
  expansionLimitReported = false;

  constructor(
    readonly analysis: Analysis,
    readonly macros: MacroLibrary | undefined,
  ) {}

  spanOf(span: Span, scope: Scope): Span {
    return scope.callSpan ?? span;
  }

  addPredicate(
    scope: Scope,
    span: Span,
    field: string,
    kind: PredicateKind,
    values: string[],
    details: { caseSensitive: boolean; negated?: boolean; origin?: string },
  ): LogicNode {
    const negated = details.negated ?? scope.negated;
    const origin = details.origin ?? scope.origin;
    const predicates = this.analysis.predicates;
    predicates.push({
      field,
      kind,
      values,
      caseSensitive: details.caseSensitive,
      negated,
      role:
        negated !== (kind === "ne")
          ? "exclusion"
          : DATA_SELECTION_FIELDS.has(field)
            ? "selection"
            : "indicator",
      stage: scope.stage,
      span: this.spanOf(span, scope),
      ...(scope.macro ? { macro: scope.macro } : {}),
      ...(origin ? { origin } : {}),
    });
    return { type: "predicate", index: predicates.length - 1 };
  }

  addTerm(
    scope: Scope,
    span: Span,
    text: string,
    phrase: boolean,
    directive?: "TERM" | "CASE",
    match?: PredicateKind,
  ): LogicNode {
    const terms = this.analysis.searchTerms;
    terms.push({
      text,
      phrase,
      ...(directive ? { directive } : {}),
      ...(match ? { match } : {}),
      negated: scope.negated,
      role: scope.negated ? "exclusion" : "indicator",
      stage: scope.stage,
      span: this.spanOf(span, scope),
      ...(scope.macro ? { macro: scope.macro } : {}),
      ...(scope.origin ? { origin: scope.origin } : {}),
    });
    return { type: "term", index: terms.length - 1 };
  }

  addThreshold(
    scope: Scope,
    span: Span,
    field: string,
    operator: string,
    value: string,
  ): LogicNode {
    const thresholds = this.analysis.thresholds;
    thresholds.push({
      field,
      operator,
      value,
      text: scope.text.slice(span.start, span.end),
      stage: scope.stage,
      span: this.spanOf(span, scope),
    });
    return { type: "threshold", index: thresholds.length - 1 };
  }

  addReference(scope: Scope, reference: Omit<Reference, "stage">): void {
    const span = reference.span && this.spanOf(reference.span, scope);
    this.analysis.references.push({
      ...reference,
      stage: scope.stage,
      ...(span ? { span } : {}),
    });
  }

  warn(code: string, message: string, span: Span): void {
    this.analysis.diagnostics.push({
      severity: "warning",
      code,
      message,
      span,
    });
  }
}

/** Builds an AND or OR node, flattening nested ones and dropping `true`. */
export function combine(type: "and" | "or", children: LogicNode[]): LogicNode {
  const flat: LogicNode[] = [];
  for (const child of children) {
    // A loop, not push(...children): spreading hundreds of thousands of
    // arguments overflows the stack.
    if (child.type === type)
      for (const inner of child.children) flat.push(inner);
    else flat.push(child);
  }
  if (type === "and") {
    const kept = flat.filter((child) => child.type !== "true");
    if (kept.length === 0) return { type: "true" };
    if (kept.length === 1) return kept[0];
    return { type: "and", children: kept };
  }
  if (flat.some((child) => child.type === "true")) return { type: "true" };
  if (flat.length === 1) return flat[0];
  return { type: "or", children: flat };
}

export function negate(child: LogicNode): LogicNode {
  if (child.type === "true") return child;
  if (child.type === "not") return child.child;
  return { type: "not", child };
}
