import {
  emptyAnalysis,
  type Analysis,
  type LogicNode,
  type Predicate,
  type Stage,
} from "../../analysis/model.ts";
import type { Diagnostic, Result } from "../../core/diagnostic.ts";
import { LineIndex, type Span } from "../../core/span.ts";
import type { AnalysisInput } from "../registry.ts";
import {
  parseCondition,
  type ConditionAggregation,
  type ConditionNode,
} from "./condition.ts";
import { analyseCorrelation } from "./correlation.ts";
import { SectionReader, type ConditionSource } from "./detection.ts";
import { resolveTarget } from "./glob.ts";
import { entryPredicates, keywordShape, windashVariants } from "./modifiers.ts";
import type {
  FieldEntry,
  Selection,
  SelectionBody,
  SigmaQueryData,
  SigmaSection,
} from "./types.ts";

/**
 * Analyses a Sigma query into the common model.
 *
 * Stages: one per part of the condition joined by a top-level `and`, named
 * by the part's text (`selection`, `not 1 of filter_*`). When the condition
 * ORs whole branches, or is a list of conditions, each branch's stages carry
 * `alternative`, the branch number: stages with different alternatives are
 * alternatives, not a sequence. Each filter document that applies to the
 * rule adds one more stage, its condition ANDed with the rest as written.
 *
 * Predicates: one per field entry and match kind; a predicate with several
 * values matches any of them, and `|all` gives one predicate per value.
 * `negated` is true when the predicate sits under an odd number of `not`s,
 * flipped once more for `null` and `exists: false`, which are `exists`
 * predicates on an absent field, and once for `neq`, which negates the
 * comparison it modifies. Predicates under a `not` and all those of
 * filter documents are exclusions. The logic tree follows the parse tree,
 * with a NOT node for each of these negations, so the number of NOT nodes
 * above a predicate always matches its `negated` flag.
 */
export function analyseSigma(input: AnalysisInput): Result<Analysis> {
  const data = queryDataOf(input);
  if (data.kind === "correlation") return analyseCorrelation(input.query, data);
  return new RuleAnalyser(input.query, data).run();
}

function queryDataOf(input: AnalysisInput): SigmaQueryData {
  const data = input.queryData as SigmaQueryData | undefined;
  if (data && Array.isArray(data.sections) && data.sections.length > 0)
    return data;
  const kind = input.query.trimStart().startsWith("correlation:")
    ? "correlation"
    : "rule";
  return {
    kind,
    sections: [{ role: kind, start: 0, end: input.query.length }],
  };
}

class RuleAnalyser {
  private readonly analysis = emptyAnalysis("sigma");
  private readonly lines: LineIndex;
  private readonly selections = new Map<string, Selection>();
  private readonly used = new Set<string>();

  constructor(
    private readonly query: string,
    private readonly data: SigmaQueryData,
  ) {
    this.lines = new LineIndex(query);
  }

  run(): Result<Analysis> {
    const ruleSections = this.data.sections.filter(
      (section) => section.role === "global" || section.role === "rule",
    );
    let conditions: ConditionSource[] = [];
    let detectionSpan: Span | undefined;

    for (const section of ruleSections) {
      const reader = this.readSection(section, "detection");
      if (!reader) continue;
      detectionSpan ??= reader.keySpan;
      for (const selection of reader.selections(["condition", "timeframe"])) {
        this.selections.set(selection.name, selection);
      }
      const found = reader.conditions(reader.get("condition")?.value);
      if (found.length > 0) conditions = found;
      this.warnTimeframe(reader);
      this.diagnostics.push(...reader.diagnostics);
    }

    const parts: LogicNode[] = [];
    if (conditions.length === 0) {
      this.diagnostics.push({
        severity: "error",
        code: "sigma-no-condition",
        message:
          "detection has no condition; add `condition:` under `detection:`",
        span: detectionSpan ?? this.lines.span(0, 0),
      });
    } else {
      parts.push(
        this.conditionLogic(
          conditions,
          [...this.selections.keys()],
          this.selections,
          false,
        ),
      );
    }

    for (const section of this.data.sections) {
      if (section.role === "filter") {
        const logic = this.filterLogic(section);
        if (logic) parts.push(logic);
      }
    }

    this.reportUnused();
    if (parts.length === 0) this.analysis.logic = { type: "true" };
    else if (parts.length === 1) this.analysis.logic = parts[0];
    else this.analysis.logic = { type: "and", children: parts };
    return { value: this.analysis, diagnostics: this.analysis.diagnostics };
  }

  private get diagnostics(): Diagnostic[] {
    return this.analysis.diagnostics;
  }

  private readSection(
    section: SigmaSection,
    key: string,
  ): SectionReader | undefined {
    const reader = new SectionReader(this.query, section, this.lines);
    if (reader.key !== key) {
      this.diagnostics.push(...reader.diagnostics);
      this.diagnostics.push({
        severity: "error",
        code: "sigma-section-key",
        message: `expected a \`${key}:\` section but found \`${reader.key ?? "nothing"}\``,
        span: reader.keySpan,
      });
      return undefined;
    }
    return reader;
  }

  private warnTimeframe(reader: SectionReader): void {
    const pair = reader.get("timeframe");
    if (!pair) return;
    this.diagnostics.push({
      severity: "info",
      code: "sigma-timeframe",
      message:
        "`timeframe` only applies to the obsolete aggregation syntax and to correlation rules",
      span: reader.pairSpan(pair),
    });
  }

  /** Builds the stages and logic of a condition list; entries are ORed. */
  private conditionLogic(
    conditions: ConditionSource[],
    names: string[],
    selections: Map<string, Selection>,
    fromFilter: boolean,
  ): LogicNode {
    const branches: { node: ConditionNode; source: ConditionSource }[] = [];
    const aggregations: ConditionAggregation[] = [];
    for (const source of conditions) {
      const parsed = parseCondition(source.text, this.lines, source.offsetOf);
      this.diagnostics.push(...parsed.diagnostics);
      const node = parsed.value.expression;
      if (!node) continue;
      const alternatives = node.type === "or" ? node.children : [node];
      for (const alternative of alternatives)
        branches.push({ node: alternative, source });
      if (parsed.value.aggregation) aggregations.push(parsed.value.aggregation);
    }

    const several = branches.length > 1;
    const logic = branches.map((branch, alternative) => {
      const parts =
        branch.node.type === "and" ? branch.node.children : [branch.node];
      const children = parts.map((part) => {
        const stage = this.addStage(
          part.span,
          several ? alternative : undefined,
        );
        return this.nodeLogic(part, {
          stage,
          negated: false,
          fromFilter,
          names,
          selections,
        });
      });
      return children.length === 1
        ? children[0]
        : ({ type: "and", children } as LogicNode);
    });
    let combined: LogicNode = { type: "true" };
    if (logic.length === 1) combined = logic[0];
    else if (logic.length > 1) combined = { type: "or", children: logic };
    if (aggregations.length === 0) return combined;
    const thresholds = aggregations.map((aggregation) =>
      this.addAggregation(aggregation),
    );
    return { type: "and", children: [combined, ...thresholds] };
  }

  private addStage(span: Span, alternative?: number): number {
    const text = this.query.slice(span.start, span.end);
    const stage: Stage = {
      index: this.analysis.stages.length,
      command: text,
      text,
      span,
      filters: true,
    };
    if (alternative !== undefined) stage.alternative = alternative;
    this.analysis.stages.push(stage);
    return stage.index;
  }

  /** Adds an obsolete `| count() ...` aggregation as a stage and threshold. */
  private addAggregation(aggregation: ConditionAggregation): LogicNode {
    const stage = this.analysis.stages.length;
    this.analysis.stages.push({
      index: stage,
      command: aggregation.function,
      text: aggregation.text,
      span: aggregation.span,
      filters: true,
      groupBy: aggregation.groupBy ? [aggregation.groupBy] : undefined,
    });
    const field = `${aggregation.function}(${aggregation.field ?? ""})`;
    this.analysis.thresholds.push({
      field,
      operator: aggregation.operator,
      value: aggregation.value,
      text: aggregation.text,
      stage,
      span: aggregation.span,
    });
    return { type: "threshold", index: this.analysis.thresholds.length - 1 };
  }

  private nodeLogic(node: ConditionNode, context: Context): LogicNode {
    switch (node.type) {
      case "and":
      case "or":
        return {
          type: node.type,
          children: node.children.map((child) =>
            this.nodeLogic(child, context),
          ),
        };
      case "not":
        return {
          type: "not",
          child: this.nodeLogic(node.operand, {
            ...context,
            negated: !context.negated,
          }),
        };
      case "identifier":
        return this.identifierLogic(node.name, node.span, context);
      case "of":
        return this.ofLogic(node, context);
      default: {
        const unreachable: never = node;
        return unreachable;
      }
    }
  }

  private identifierLogic(
    name: string,
    span: Span,
    context: Context,
  ): LogicNode {
    if (name === "") return { type: "opaque", label: "invalid condition" };
    const selection = context.selections.get(name);
    if (!selection) {
      this.diagnostics.push({
        severity: "error",
        code: "sigma-identifier-unknown",
        message: `condition names \`${name}\`, which the detection does not define`,
        span,
      });
      return { type: "opaque", label: name };
    }
    if (!context.fromFilter) this.used.add(name);
    return this.bodyLogic(selection.body, context);
  }

  private ofLogic(
    node: Extract<ConditionNode, { type: "of" }>,
    context: Context,
  ): LogicNode {
    const names = resolveTarget(node.target, context.names);
    if (names.length === 0) {
      this.diagnostics.push({
        severity: "error",
        code: "sigma-pattern-empty",
        message: `\`${node.target}\` matches no search identifier`,
        span: node.span,
      });
      return { type: "opaque", label: node.target };
    }
    const children = names.map((name) =>
      this.identifierLogic(name, node.span, context),
    );
    if (children.length === 1) return children[0];
    return { type: node.quantifier === "all" ? "and" : "or", children };
  }

  private bodyLogic(body: SelectionBody, context: Context): LogicNode {
    if (body.type === "map") {
      const children = body.entries.map((entry) => {
        if (entry.field === "") return this.keywordEntryLogic(entry, context);
        const result = entryPredicates(entry);
        this.diagnostics.push(...result.diagnostics);
        const nodes = result.drafts.map((draft) =>
          this.addPredicate(draft, context),
        );
        if (nodes.length === 1) return nodes[0];
        return { type: result.combine, children: nodes } as LogicNode;
      });
      return children.length === 1 ? children[0] : { type: "and", children };
    }
    if (body.type === "list") {
      const children = body.items.map((item) => this.bodyLogic(item, context));
      return children.length === 1 ? children[0] : { type: "or", children };
    }
    return this.addTerm(
      body.value.text,
      body.value.value === null,
      body.span,
      context,
    );
  }

  /** Reads a map entry with an empty field name, such as `'|all': [a, b]`, as keywords. */
  private keywordEntryLogic(entry: FieldEntry, context: Context): LogicNode {
    const modifiers = entry.modifiers.map((modifier) => modifier.toLowerCase());
    const all = modifiers.includes("all");
    const children = entry.values.map((value) => {
      // `windash` makes one keyword of each dash form, any of which matches.
      const variants = modifiers.includes("windash")
        ? windashVariants(value.text)
        : [value.text];
      const terms = variants.map((variant) =>
        this.addTerm(
          variant,
          value.value === null,
          value.span,
          context,
          modifiers,
        ),
      );
      return terms.length === 1
        ? terms[0]
        : ({ type: "or", children: terms } as LogicNode);
    });
    if (children.length === 1) return children[0];
    return { type: all ? "and" : "or", children };
  }

  private addPredicate(
    draft: ReturnType<typeof entryPredicates>["drafts"][number],
    context: Context,
  ): LogicNode {
    // A null value (field absent) and `neq` negate the comparison itself.
    const ownNegation = draft.absent !== draft.inverted;
    const negated = context.negated !== ownNegation;
    const predicate: Predicate = {
      field: draft.field,
      kind: draft.kind,
      values: draft.values,
      caseSensitive: draft.caseSensitive,
      negated,
      // What the rule negates, by `not`, a filter document, `neq` or null,
      // is an exclusion and never an indicator.
      role:
        context.negated || context.fromFilter || ownNegation
          ? "exclusion"
          : "indicator",
      stage: context.stage,
      span: draft.span,
    };
    if (draft.origin) predicate.origin = draft.origin;
    if (draft.modifiers.length > 0) predicate.modifiers = draft.modifiers;
    if (draft.encodings.length > 0) predicate.encodings = draft.encodings;
    this.analysis.predicates.push(predicate);
    const node: LogicNode = {
      type: "predicate",
      index: this.analysis.predicates.length - 1,
    };
    // The tree carries the comparison's own NOT too, so `not filter` over
    // `f: null` reads NOT(NOT(f exists)), which keeps events with the field.
    return ownNegation ? { type: "not", child: node } : node;
  }

  private addTerm(
    text: string,
    isNull: boolean,
    span: Span,
    context: Context,
    modifiers: string[] = [],
  ): LogicNode {
    if (isNull) {
      this.diagnostics.push({
        severity: "warning",
        code: "sigma-keyword-null",
        message: "a keyword list contains `null`, which matches nothing",
        span,
      });
    }
    // A keyword under `re` is a regular expression, taken as written.
    const shape = modifiers.includes("re")
      ? { kind: "regex" as const, value: text }
      : keywordShape(text, modifiers);
    this.analysis.searchTerms.push({
      text: shape.value,
      phrase: /\s/.test(shape.value.trim()),
      match: shape.kind === "eq" ? "term" : shape.kind,
      negated: context.negated,
      role: context.negated || context.fromFilter ? "exclusion" : "indicator",
      stage: context.stage,
      span,
    });
    return { type: "term", index: this.analysis.searchTerms.length - 1 };
  }

  /**
   * Reads a filter document's condition, which is ANDed to the rule as
   * written: Sigma filters state their own `not`, as in `not selection`.
   */
  private filterLogic(section: SigmaSection): LogicNode | undefined {
    const reader = this.readSection(section, "filter");
    if (!reader) return undefined;
    this.diagnostics.push(...reader.diagnostics);

    const selections = new Map<string, Selection>();
    for (const selection of reader.selections(["rules", "condition"])) {
      selections.set(selection.name, selection);
    }
    const conditions = reader.conditions(reader.get("condition")?.value);
    if (conditions.length === 0) {
      this.diagnostics.push({
        severity: "error",
        code: "sigma-filter-no-condition",
        message:
          `filter ${section.title ?? section.id ?? ""} has no condition`.replace(
            "  ",
            " ",
          ),
        span: reader.keySpan,
      });
      return undefined;
    }

    const label = section.title ?? section.id ?? "filter";
    const stage = this.analysis.stages.length;
    this.analysis.stages.push({
      index: stage,
      command: `filter: ${label}`,
      text: this.query.slice(section.start, section.end),
      span: this.lines.span(section.start, section.end),
      filters: true,
    });
    const names = [...selections.keys()];
    const children = conditions.map((condition) => {
      const parsed = parseCondition(
        condition.text,
        this.lines,
        condition.offsetOf,
      );
      this.diagnostics.push(...parsed.diagnostics);
      const expression = parsed.value.expression;
      if (!expression) return { type: "true" } as LogicNode;
      if (!containsNot(expression)) {
        this.diagnostics.push({
          severity: "warning",
          code: "sigma-filter-without-not",
          message:
            "filter condition has no `not`, so it narrows the rule to matching events instead of excluding them; write `not selection` to exclude",
          span: expression.span,
        });
      }
      return this.nodeLogic(expression, {
        stage,
        negated: false,
        fromFilter: true,
        names,
        selections,
      });
    });
    return children.length === 1 ? children[0] : { type: "or", children };
  }

  private reportUnused(): void {
    for (const [name, selection] of this.selections) {
      if (this.used.has(name)) continue;
      this.diagnostics.push({
        severity: "info",
        code: "sigma-identifier-unused",
        message: `search identifier \`${name}\` is not used by the condition`,
        span: selection.span,
      });
    }
  }
}

/** Returns whether a condition has a `not` anywhere in it. */
function containsNot(node: ConditionNode): boolean {
  if (node.type === "not") return true;
  if (node.type === "and" || node.type === "or")
    return node.children.some(containsNot);
  return false;
}

interface Context {
  stage: number;
  /** True under an odd number of `not`s. */
  negated: boolean;
  fromFilter: boolean;
  names: string[];
  selections: Map<string, Selection>;
}
