import type { Span } from "../../core/span.ts";

/**
 * The typed syntax tree of one SPL query. Every node carries the span of
 * the text it was read from, following the convention of `Span`: 0-based
 * offsets into the parsed query, 1-based lines and columns.
 */
export interface Pipeline {
  type: "pipeline";
  commands: Command[];
  /** Triple-backtick comments, kept outside the logic. */
  comments: Comment[];
  span: Span;
}

export interface Comment {
  type: "comment";
  /** The text between the triple backticks. */
  text: string;
  span: Span;
}

/** A literal as the query writes it: a bare word or a quoted string. */
export interface Literal {
  type: "literal";
  /** Source text, with quotes and escapes. */
  raw: string;
  /** Text without quotes and with backslash escapes resolved. */
  value: string;
  quoted: boolean;
  span: Span;
}

export interface MacroCall {
  type: "macro";
  name: string;
  arguments: string[];
  span: Span;
}

export interface Subsearch {
  type: "subsearch";
  pipeline: Pipeline;
  span: Span;
}

// ---------------------------------------------------------------------------
// Search expressions: `search`, the implicit first search, `tstats ... where`
// and `inputlookup ... where`. OR binds tighter than AND here.

export type SearchExpression =
  | SearchAnd
  | SearchOr
  | SearchNot
  | SearchGroup
  | SearchComparison
  | SearchIn
  | SearchTerm
  | SearchDirective
  | MacroCall
  | Subsearch
  | ErrorNode;

export interface SearchAnd {
  type: "and";
  operands: SearchExpression[];
  /** True when at least one AND between operands was left implicit. */
  implicit: boolean;
  span: Span;
}

export interface SearchOr {
  type: "or";
  operands: SearchExpression[];
  span: Span;
}

export interface SearchNot {
  type: "not";
  operand: SearchExpression;
  span: Span;
}

export interface SearchGroup {
  type: "group";
  expression: SearchExpression;
  span: Span;
}

export type ComparisonOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";

export interface SearchComparison {
  type: "comparison";
  field: Literal;
  operator: ComparisonOperator;
  /** The right-hand side is always a literal in search, never a field. */
  value: Literal | SearchDirective;
  span: Span;
}

export interface SearchIn {
  type: "in";
  field: Literal;
  /** A macro here expands to part of the list, as in `IN (`names`)`. */
  values: (Literal | MacroCall)[];
  span: Span;
}

/** A bare word or quoted phrase matched against the raw event. */
export interface SearchTerm {
  type: "term";
  value: Literal;
  span: Span;
}

/** `TERM(x)` or `CASE(x)`, with the inner text kept verbatim. */
export interface SearchDirective {
  type: "directive";
  name: "TERM" | "CASE";
  inner: Literal;
  span: Span;
}

export interface ErrorNode {
  type: "error";
  span: Span;
}

// ---------------------------------------------------------------------------
// Eval expressions: `where` and `eval`. AND binds tighter than OR here.

export type EvalExpression =
  | EvalBinary
  | EvalUnary
  | EvalCall
  | EvalField
  | EvalString
  | EvalNumber
  | EvalGroup
  | EvalIn
  | MacroCall
  | ErrorNode;

export interface EvalBinary {
  type: "binary";
  /** Upper case for keyword operators: `AND`, `OR`, `XOR`, `LIKE`. */
  operator: string;
  left: EvalExpression;
  right: EvalExpression;
  span: Span;
}

export interface EvalUnary {
  type: "unary";
  /** `NOT`, `!` or `-`. */
  operator: string;
  operand: EvalExpression;
  span: Span;
}

export interface EvalCall {
  type: "call";
  name: string;
  arguments: EvalExpression[];
  span: Span;
}

/** A field name, bare or in single quotes. */
export interface EvalField {
  type: "field";
  name: string;
  span: Span;
}

export interface EvalString {
  type: "string";
  value: string;
  span: Span;
}

export interface EvalNumber {
  type: "number";
  value: string;
  span: Span;
}

export interface EvalGroup {
  type: "group";
  expression: EvalExpression;
  span: Span;
}

/** `x IN ("a", "b")` written as an operator in `where`. */
export interface EvalIn {
  type: "in";
  operand: EvalExpression;
  values: EvalExpression[];
  negated: boolean;
  span: Span;
}

// ---------------------------------------------------------------------------
// Command arguments as most commands write them.

export type Argument =
  | OptionArgument
  | LiteralArgument
  | CallArgument
  | GroupArgument
  | OperatorArgument
  | MacroCall
  | Subsearch;

/** `name=value`, such as `span=1h` or `field=CommandLine`. */
export interface OptionArgument {
  type: "option";
  name: string;
  value: Literal;
  span: Span;
}

export interface LiteralArgument {
  type: "argument";
  value: Literal;
  span: Span;
}

/** A function call such as `count(x)` or `ctime(firstTime)`. */
export interface CallArgument {
  type: "call";
  name: string;
  /** The argument text between the parentheses, split at top-level commas. */
  arguments: string[];
  span: Span;
}

/** A parenthesised group that is not a function call, kept as text. */
export interface GroupArgument {
  type: "group";
  text: string;
  span: Span;
}

export interface OperatorArgument {
  type: "operator";
  operator: string;
  span: Span;
}

export interface Aggregation {
  type: "aggregation";
  function: string;
  /** Argument text, such as `_time` in `min(_time)`. */
  arguments: string[];
  /** The `as` name, or the default output name (`count`, `dc(x)`). */
  output: string;
  span: Span;
}

export interface FieldReference {
  type: "field-reference";
  name: string;
  span: Span;
}

export interface Rename {
  type: "rename";
  from: FieldReference;
  to: FieldReference;
  span: Span;
}

export interface Assignment {
  type: "assignment";
  field: FieldReference;
  expression: EvalExpression;
  span: Span;
}

// ---------------------------------------------------------------------------
// Commands.

export type Command =
  | SearchCommand
  | WhereCommand
  | EvalCommand
  | TstatsCommand
  | StatsCommand
  | RegexCommand
  | RexCommand
  | LookupCommand
  | InputlookupCommand
  | FieldListCommand
  | RenameCommand
  | BinCommand
  | SortCommand
  | LimitCommand
  | FillnullCommand
  | SubsearchCommand
  | ConvertCommand
  | TransactionCommand
  | MacroCommand
  | GenericCommand;

interface CommandBase {
  /** Command name in lower case; `search` for the implicit first search. */
  name: string;
  /** True when `search` was not written, at the start of a pipeline. */
  implicit?: boolean;
  /**
   * Macro calls among the arguments of a command whose arguments are read
   * into fields (table, stats, rename ...), kept so they are still named as
   * references: `table a b \`hec_collect\``.
   */
  argumentMacros?: MacroCall[];
  span: Span;
}

export interface SearchCommand extends CommandBase {
  type: "search";
  /** Undefined for an empty search. */
  expression?: SearchExpression;
}

export interface WhereCommand extends CommandBase {
  type: "where";
  expression?: EvalExpression;
}

export interface EvalCommand extends CommandBase {
  type: "eval";
  assignments: Assignment[];
}

export interface TstatsCommand extends CommandBase {
  type: "tstats";
  options: OptionArgument[];
  /** Macros among the options, such as `security_content_summariesonly`. */
  macros: MacroCall[];
  aggregations: Aggregation[];
  /** `from datamodel=Endpoint.Processes`, kept whole. */
  datamodel?: Literal;
  nodename?: Literal;
  where?: SearchExpression;
  by: FieldReference[];
}

/** stats, eventstats, streamstats, chart and timechart. */
export interface StatsCommand extends CommandBase {
  type: "stats";
  options: OptionArgument[];
  aggregations: Aggregation[];
  by: FieldReference[];
}

export interface RegexCommand extends CommandBase {
  type: "regex";
  /** `_raw` when the command names no field. */
  field: string;
  negated: boolean;
  pattern?: Literal;
}

export interface RexCommand extends CommandBase {
  type: "rex";
  options: OptionArgument[];
  pattern?: Literal;
}

export interface LookupCommand extends CommandBase {
  type: "lookup";
  options: OptionArgument[];
  table?: Literal;
  /** Input fields with their optional `as` names. */
  inputs: Rename[];
  outputs: Rename[];
}

/** inputlookup and outputlookup. */
export interface InputlookupCommand extends CommandBase {
  type: "inputlookup";
  options: OptionArgument[];
  table?: Literal;
  where?: SearchExpression;
}

/** table, fields, dedup, mvexpand and spath: a list of field names. */
export interface FieldListCommand extends CommandBase {
  type: "field-list";
  options: OptionArgument[];
  /** `+` or `-` for `fields`, undefined otherwise. */
  mode?: "+" | "-";
  fields: FieldReference[];
}

export interface RenameCommand extends CommandBase {
  type: "rename";
  renames: Rename[];
}

/** bin and bucket. */
export interface BinCommand extends CommandBase {
  type: "bin";
  options: OptionArgument[];
  field?: FieldReference;
}

export interface SortCommand extends CommandBase {
  type: "sort";
  limit?: string;
  keys: { field: FieldReference; descending: boolean }[];
}

/** head and tail. */
export interface LimitCommand extends CommandBase {
  type: "limit";
  options: OptionArgument[];
  count?: string;
}

export interface FillnullCommand extends CommandBase {
  type: "fillnull";
  options: OptionArgument[];
  fields: FieldReference[];
}

/** join, append, appendcols and similar commands that take a subsearch. */
export interface SubsearchCommand extends CommandBase {
  type: "subsearch-command";
  options: OptionArgument[];
  fields: FieldReference[];
  subsearch?: Subsearch;
}

export interface ConvertCommand extends CommandBase {
  type: "convert";
  options: OptionArgument[];
  conversions: Aggregation[];
}

export interface TransactionCommand extends CommandBase {
  type: "transaction";
  options: OptionArgument[];
  fields: FieldReference[];
}

/** A macro call that fills a whole pipeline segment. */
export interface MacroCommand extends CommandBase {
  type: "macro-command";
  macro: MacroCall;
}

/** Any other command: its options and arguments, in order. */
export interface GenericCommand extends CommandBase {
  type: "generic";
  arguments: Argument[];
}
