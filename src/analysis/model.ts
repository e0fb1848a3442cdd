import type { Diagnostic } from "../core/diagnostic.ts";
import type { Span } from "../core/span.ts";

/**
 * The language-neutral analysis of one rule's query. Every language analyser
 * produces this shape, so the catalog can count and compare rules written in
 * different query languages. Spans refer to the query text that was analysed.
 */
export interface Analysis {
  language: string;
  stages: Stage[];
  /** Field predicates, indicators and exclusions alike; see `Predicate.role`. */
  predicates: Predicate[];
  /** Conditions on values the query computed itself; never indicators. */
  thresholds: Threshold[];
  /** Bare words and phrases matched against the raw event. */
  searchTerms: SearchTerm[];
  references: Reference[];
  /**
   * Boolean structure of the filtering part of the query, over indexes into
   * `predicates` and `searchTerms`. Consecutive filter stages are ANDed.
   */
  logic: LogicNode;
  diagnostics: Diagnostic[];
}

export type PredicateKind =
  | "eq"
  | "ne"
  | "contains"
  | "starts_with"
  | "ends_with"
  | "wildcard"
  | "regex"
  | "cidr"
  | "in"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "exists"
  | "term";

export const PREDICATE_KINDS: readonly PredicateKind[] = [
  "eq",
  "ne",
  "contains",
  "starts_with",
  "ends_with",
  "wildcard",
  "regex",
  "cidr",
  "in",
  "lt",
  "le",
  "gt",
  "ge",
  "exists",
  "term",
];

/**
 * One pipeline command (SPL, KQL, ES|QL) or one condition part (Sigma, EQL
 * sequence). `text` is the full source text of the stage, never shortened.
 */
export interface Stage {
  /** 0-based position in `Analysis.stages`; `Predicate.stage` and the others refer to it. Pages show it plus one. */
  index: number;
  /** Command name as the query writes it, in lower case (`search`, `tstats`). */
  command: string;
  text: string;
  span: Span;
  /**
   * Set when the stage is a macro call that fills a whole pipeline segment.
   * `expansion` is the definition's text after argument substitution, when
   * the definition is known.
   */
  macro?: { name: string; arguments: string[]; expansion?: string };
  /** True for stages that drop events (search, where, regex, Sigma selections). */
  filters: boolean;
  /**
   * Branch number when the query ORs whole branches, as a Sigma condition
   * `a and not b or c` does: stages with different numbers are
   * alternatives, not a sequence. Undefined when there is one branch.
   */
  alternative?: number;
  /** Fields an aggregation or correlation groups by, as written. */
  groupBy?: string[];
  /** Time window of a correlation or aggregation, as written (`5m`). */
  timespan?: string;
}

/**
 * Why a predicate appears: matched by the rule (`indicator`), suppressed
 * by it (`exclusion`), or choosing which data the search reads, such as
 * SPL `index=` or `sourcetype=` (`selection`). Only indicators are counted
 * across the catalog.
 */
export type PredicateRole = "indicator" | "exclusion" | "selection";

export interface Predicate {
  /** The field name as the rule writes it, such as `Processes.process_name`. */
  field: string;
  /** The name in the common schema, such as `process.name`, when known. */
  canonicalField?: string;
  kind: PredicateKind;
  /**
   * Values without quotes or escapes. `contains`, `starts_with` and
   * `ends_with` store the text without the wildcards the kind states, so
   * `*x*` is stored as `x`. `wildcard` keeps the pattern with its `*` and
   * `?`, `in` lists its members and `exists` has none. Numeric values are
   * sorted as numbers where order does not matter.
   */
  values: string[];
  caseSensitive: boolean;
  /**
   * True when the query negates this comparison: `NOT f=v`, or a Sigma
   * selection under `not`. `ne` written as `f!=v` is a kind, not a negation,
   * because SPL treats it differently on events that lack the field.
   */
  negated: boolean;
  role: PredicateRole;
  stage: number;
  span: Span;
  /** Name of the macro whose expansion produced this predicate. */
  macro?: string;
  /** Source of the predicate when that is not obvious: `xml-event-id`, `term`. */
  origin?: string;
  /** Sigma value modifiers as written, in lower case (`contains`, `all`). */
  modifiers?: string[];
  /**
   * Encodings the rule applies to `values` before matching (`base64offset`,
   * `utf16le`); `values` keep the plain text the rule author wrote.
   */
  encodings?: string[];
}

export interface Threshold {
  /** The computed field or expression being compared, such as `count`. */
  field: string;
  operator: string;
  value: string;
  /** The full condition text, such as `query_length>(avg+stdev*2)`. */
  text: string;
  stage: number;
  span: Span;
}

export interface SearchTerm {
  /** The term without quotes and without a TERM() or CASE() wrapper. */
  text: string;
  /** True for a quoted phrase. */
  phrase: boolean;
  /** `TERM` or `CASE` when the rule wrapped the term in that directive. */
  directive?: "TERM" | "CASE";
  /**
   * Match kind of the term where the language defines one: a Sigma keyword
   * or SPL term `*x*` is `contains`, a Sigma keyword without wildcards `term`.
   */
  match?: PredicateKind;
  negated: boolean;
  role: PredicateRole;
  stage: number;
  span: Span;
  macro?: string;
  /** Source of the term when that is not obvious: `subsearch`. */
  origin?: string;
}

export type ReferenceKind =
  | "macro"
  | "lookup"
  | "datamodel"
  | "index"
  | "sourcetype"
  | "source"
  | "table"
  | "rule"
  | "function";

export interface Reference {
  kind: ReferenceKind;
  name: string;
  /** Macro arguments, or a data model node such as `Processes`. */
  arguments?: string[];
  stage: number;
  span?: Span;
  /**
   * For macros: `expanded` when the definition was applied, `unknown` when
   * no definition was given, `tuning-hook` for an empty `<name>_filter` macro.
   */
  status?: "expanded" | "unknown" | "tuning-hook";
}

/**
 * Boolean structure over analysis items. `predicate` and `term` index into
 * `Analysis.predicates` and `Analysis.searchTerms`. `true` stands for a part
 * that does not filter (an empty search, an unexpanded macro is `opaque`).
 */
export type LogicNode =
  | { type: "and"; children: LogicNode[] }
  | { type: "or"; children: LogicNode[] }
  | { type: "not"; child: LogicNode }
  | { type: "predicate"; index: number }
  | { type: "term"; index: number }
  | { type: "threshold"; index: number }
  | { type: "opaque"; label: string }
  | { type: "true" };

export function emptyAnalysis(language: string): Analysis {
  return {
    language,
    stages: [],
    predicates: [],
    thresholds: [],
    searchTerms: [],
    references: [],
    logic: { type: "true" },
    diagnostics: [],
  };
}

/** A log event a rule needs, with the evidence it was inferred from. */
export interface EventCoverage {
  /** Provider shown to users: `Sysmon`, `Security`, `PowerShell`, `System`. */
  provider: string;
  /** Undefined for log sources without event ids, such as a Linux audit log. */
  eventId?: number;
  /** Official event title, or the log source name where there is no event id. */
  title: string;
  /** Evidence, such as `EventCode predicate` or `data model Endpoint.Processes`. */
  reason: string;
}
