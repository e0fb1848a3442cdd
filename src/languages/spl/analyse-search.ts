import type { LogicNode, PredicateKind } from "../../analysis/model.ts";
import type {
  Literal,
  MacroCall,
  SearchComparison,
  SearchDirective,
  SearchExpression,
  SearchIn,
  Subsearch,
} from "./ast.ts";
import { combine, negate, type AnalysisBuilder, type Scope } from "./scope.ts";
import {
  classifyEquality,
  isCidr,
  patternNeedle,
  sortValues,
  splitTermComparison,
  xmlEventId,
} from "./values.ts";

/**
 * Search-time modifiers that bound the time range or tune the search; they
 * are written like fields but match no event field.
 */
const TIME_MODIFIERS = new Set([
  "earliest",
  "latest",
  "_index_earliest",
  "_index_latest",
  "starttime",
  "endtime",
  "starttimeu",
  "endtimeu",
  "startdaysago",
  "enddaysago",
  "starthoursago",
  "endhoursago",
  "startminutesago",
  "endminutesago",
  "startmonthsago",
  "endmonthsago",
  "daysago",
  "hoursago",
  "minutesago",
  "monthsago",
  "searchtimespandays",
  "searchtimespanhours",
  "searchtimespanminutes",
  "searchtimespanmonths",
  "timeformat",
]);

/** Fields whose values name where events come from; each is a reference. */
const SOURCE_FIELDS: ReadonlySet<string> = new Set([
  "index",
  "sourcetype",
  "source",
]);

const RANGE_KINDS: Record<string, PredicateKind> = {
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
};

/** Hooks the search analyser needs from the pipeline analyser. */
export interface SearchHooks {
  macro(call: MacroCall, scope: Scope): LogicNode;
  subsearch(node: Subsearch, scope: Scope): LogicNode;
  /**
   * Expands a macro inside an IN list into list values; returns the call's
   * text as the only value when the macro cannot be expanded.
   */
  listMacro(call: MacroCall, scope: Scope): string[];
}

/**
 * Turns a search expression into logic, adding its predicates, terms,
 * thresholds and references to the analysis.
 */
export function analyseSearch(
  builder: AnalysisBuilder,
  hooks: SearchHooks,
  expression: SearchExpression,
  scope: Scope,
): LogicNode {
  const visit = (node: SearchExpression, inner: Scope): LogicNode => {
    switch (node.type) {
      case "and":
        return combine(
          "and",
          node.operands.map((operand) => visit(operand, inner)),
        );
      case "or":
        return combine(
          "or",
          node.operands.map((operand) => visit(operand, inner)),
        );
      case "not":
        return negate(
          visit(node.operand, { ...inner, negated: !inner.negated }),
        );
      case "group":
        return visit(node.expression, inner);
      case "comparison":
        return comparison(builder, node, inner);
      case "in":
        return inList(builder, hooks, node, inner);
      case "term":
        return term(builder, node.value, inner);
      case "directive":
        return directive(builder, node, inner);
      case "macro":
        return hooks.macro(node, inner);
      case "subsearch":
        return hooks.subsearch(node, inner);
      case "error":
        return { type: "opaque", label: "unparsed" };
      default: {
        const unknown: never = node;
        return unknown;
      }
    }
  };
  return visit(expression, scope);
}

function term(
  builder: AnalysisBuilder,
  value: Literal,
  scope: Scope,
): LogicNode {
  // A lone `*` matches every event and adds nothing.
  if (!value.quoted && value.value === "*") return { type: "true" };
  // A `*` in a term is a wildcard, inside quotes too, so `*x*` is stored as
  // `x` with the match `contains`, as a Sigma keyword is.
  const kind = classifyEquality(value.value);
  const match =
    kind === "eq" || kind === "cidr"
      ? undefined
      : kind === "exists"
        ? "wildcard"
        : kind;
  const node = builder.addTerm(
    scope,
    value.span,
    match ? patternNeedle(match, value.value) : value.value,
    value.quoted,
    undefined,
    match,
  );
  const eventId = xmlEventId(value.value);
  if (eventId === undefined) return node;
  // The XML rendering of Windows events contains `<EventID>4103</EventID>`,
  // so the phrase is the same condition as the comparison EventID=4103.
  return builder.addPredicate(scope, value.span, "EventID", "eq", [eventId], {
    caseSensitive: false,
    origin: "xml-event-id",
  });
}

function directive(
  builder: AnalysisBuilder,
  node: SearchDirective,
  scope: Scope,
): LogicNode {
  const inner = node.inner;
  const text = inner.value;
  const termNode = builder.addTerm(
    scope,
    node.span,
    text,
    inner.quoted,
    node.name,
  );
  const comparison = inner.quoted ? undefined : splitTermComparison(text);
  if (node.name !== "TERM" || !comparison) return termNode;
  // TERM(EventCode=4103) matches the indexed token `EventCode=4103`, which
  // is how the field comparison appears in the raw event.
  return builder.addPredicate(
    scope,
    node.span,
    comparison.field,
    "eq",
    [comparison.value],
    { caseSensitive: false, origin: "term" },
  );
}

function comparison(
  builder: AnalysisBuilder,
  node: SearchComparison,
  scope: Scope,
): LogicNode {
  const field = node.field.value;
  if (TIME_MODIFIERS.has(field.toLowerCase())) return { type: "true" };
  if (scope.datamodelNodes && field === "nodename" && node.operator === "=") {
    scope.datamodelNodes.push(
      node.value.type === "literal" ? node.value.value : node.value.inner.value,
    );
    return { type: "true" };
  }

  const value = node.value.type === "directive" ? node.value.inner : node.value;
  const caseSensitive =
    node.value.type === "directive" && node.value.name === "CASE";
  if (scope.computed.has(field)) {
    return builder.addThreshold(
      scope,
      node.span,
      field,
      node.operator,
      value.value,
    );
  }

  let kind: PredicateKind;
  let values = [value.value];
  if (node.operator === "=") {
    kind = classifyEquality(value.value);
    if (kind === "exists") values = [];
    else values = [patternNeedle(kind, value.value)];
  } else if (node.operator === "!=") {
    kind = "ne";
    if (value.value === "*") {
      builder.warn(
        "spl-never-matches",
        `${field}!=* matches no event; write NOT ${field}=* to find events without the field.`,
        builder.spanOf(node.span, scope),
      );
    }
  } else {
    kind = RANGE_KINDS[node.operator];
  }
  if (node.operator === "=" && !scope.negated) {
    addSourceReference(builder, scope, field, [value], node);
  }
  return builder.addPredicate(scope, node.span, field, kind, values, {
    caseSensitive,
  });
}

function inList(
  builder: AnalysisBuilder,
  hooks: SearchHooks,
  node: SearchIn,
  scope: Scope,
): LogicNode {
  const field = node.field.value;
  if (scope.computed.has(field)) {
    const list = node.values
      .map((value) => scope.text.slice(value.span.start, value.span.end))
      .join(", ");
    return builder.addThreshold(scope, node.span, field, "IN", list);
  }
  const literals = node.values.filter((value) => value.type === "literal");
  if (!scope.negated) {
    addSourceReference(builder, scope, field, literals, node);
  }
  const values: string[] = [];
  for (const value of node.values) {
    if (value.type === "literal") values.push(value.value);
    else for (const item of hooks.listMacro(value, scope)) values.push(item);
  }

  // A `*` in a member is a wildcard, as it is after `=`. Such members are
  // grouped by the kind `f=member` would have, and plain members stay one list.
  const groups = new Map<PredicateKind | "plain", string[]>();
  for (const value of values) {
    const kind = classifyEquality(value);
    const key = kind === "eq" || kind === "cidr" ? "plain" : kind;
    const group = groups.get(key) ?? [];
    if (kind !== "exists") group.push(patternNeedle(kind, value));
    groups.set(key, group);
  }
  if (groups.size === 0) groups.set("plain", []);

  const nodes: LogicNode[] = [];
  for (const [key, members] of groups) {
    let kind: PredicateKind;
    if (key !== "plain") kind = key;
    // Splunk search matches a CIDR value as a network, so a list made only
    // of networks is a cidr predicate, as Sigma's `|cidr` list is.
    else if (members.length > 0 && members.every(isCidr)) kind = "cidr";
    else if (members.length === 1 && groups.size > 1) kind = "eq";
    else kind = "in";
    nodes.push(
      builder.addPredicate(scope, node.span, field, kind, sortValues(members), {
        caseSensitive: false,
      }),
    );
  }
  return combine("or", nodes);
}

function addSourceReference(
  builder: AnalysisBuilder,
  scope: Scope,
  field: string,
  values: readonly Literal[],
  node: SearchComparison | SearchIn,
): void {
  const kind = field.toLowerCase();
  if (!SOURCE_FIELDS.has(kind)) return;
  for (const value of values) {
    builder.addReference(scope, {
      kind: kind as "index" | "sourcetype" | "source",
      name: value.value,
      span: node.span,
    });
  }
}
