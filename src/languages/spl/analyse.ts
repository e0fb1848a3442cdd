import {
  emptyAnalysis,
  type Analysis,
  type LogicNode,
  type Stage,
} from "../../analysis/model.ts";
import type { Diagnostic, Result } from "../../core/diagnostic.ts";
import type { Span } from "../../core/span.ts";
import type { MacroLibrary } from "../registry.ts";
import { analyseEval, type EvalHooks } from "./analyse-eval.ts";
import { analyseSearch, type SearchHooks } from "./analyse-search.ts";
import type {
  Argument,
  Command,
  EvalCall,
  Literal,
  MacroCall,
  Pipeline,
  Subsearch,
} from "./ast.ts";
import { expandMacro, findMacro, isTuningHook } from "./macros.ts";
import { MAX_QUERY_LENGTH, parseSpl } from "./parser.ts";
import { AnalysisBuilder, combine, negate, type Scope } from "./scope.ts";

/** Deepest chain of macros calling macros that the analyser expands. */
const MAX_MACRO_DEPTH = 20;

/**
 * Most macro expansions per query. Definitions that each call another
 * macro twice would otherwise grow exponentially with the depth.
 */
const MAX_MACRO_EXPANSIONS = 10_000;

/**
 * Most characters all macro expansions of one query may produce together,
 * so that many calls to a long macro cannot keep the parser busy for
 * minutes. Real rules expand to a few kilobytes.
 */
const MAX_EXPANDED_LENGTH = 5 * MAX_QUERY_LENGTH;

/**
 * Analyses one SPL query into the common model. Macro calls are expanded
 * when `macros` contains their definitions. Items read from an expansion
 * carry the macro's name and the span of the call in `query`.
 */
export function analyseSpl(
  query: string,
  macros?: MacroLibrary,
): Result<Analysis> {
  const parsed = parseSpl(query);
  const analysis = emptyAnalysis("spl");
  for (const diagnostic of parsed.diagnostics) {
    analysis.diagnostics.push(diagnostic);
  }
  new PipelineAnalyser(new AnalysisBuilder(analysis, macros), query).run(
    parsed.value,
  );
  return { value: analysis, diagnostics: analysis.diagnostics };
}

interface CommandResult {
  filters: boolean;
  logic: LogicNode;
}

const NO_FILTER: CommandResult = { filters: false, logic: { type: "true" } };

class PipelineAnalyser implements SearchHooks, EvalHooks {
  constructor(
    private readonly builder: AnalysisBuilder,
    private readonly query: string,
  ) {}

  run(pipeline: Pipeline): void {
    const analysis = this.builder.analysis;
    const computed = new Set<string>();
    const unknownStage = { seen: false };
    const parts: LogicNode[] = [];
    pipeline.commands.forEach((command, index) => {
      const scope: Scope = {
        stage: index,
        negated: false,
        text: this.query,
        computed,
        unknownStage,
        macroStack: [],
      };
      const stage: Stage = {
        index,
        command: command.type === "macro-command" ? "macro" : command.name,
        text: this.query.slice(command.span.start, command.span.end),
        span: command.span,
        filters: false,
      };
      analysis.stages.push(stage);
      const atStart = index === 0 && !this.startsWithPipe(command.span);
      const result = this.command(command, scope, atStart, stage);
      stage.filters = result.filters;
      if (result.filters) parts.push(result.logic);
    });
    analysis.logic = combine("and", parts);
  }

  private startsWithPipe(span: Span): boolean {
    return this.query.slice(0, span.start).includes("|");
  }

  private command(
    command: Command,
    scope: Scope,
    atStart: boolean,
    stage?: Stage,
  ): CommandResult {
    const builder = this.builder;
    for (const macro of command.argumentMacros ?? []) {
      this.macroReference(macro, scope);
    }
    switch (command.type) {
      case "search":
        return {
          filters: true,
          logic: command.expression
            ? analyseSearch(builder, this, command.expression, scope)
            : { type: "true" },
        };
      case "where":
        return {
          filters: true,
          logic: command.expression
            ? analyseEval(builder, this, command.expression, scope)
            : { type: "true" },
        };
      case "eval":
        for (const assignment of command.assignments) {
          scope.computed.add(assignment.field.name);
        }
        return NO_FILTER;
      case "tstats":
        return this.tstats(command, scope);
      case "stats":
        for (const aggregation of command.aggregations) {
          if (aggregation.output !== "*")
            scope.computed.add(aggregation.output);
        }
        return NO_FILTER;
      case "regex":
        return this.regex(command, scope);
      case "lookup":
      case "inputlookup":
        return this.lookup(command, scope);
      case "rename":
        for (const rename of command.renames) {
          if (this.computedSource(rename.from.name, scope)) {
            scope.computed.add(rename.to.name);
          }
        }
        return NO_FILTER;
      case "transaction":
        // transaction adds these two fields to every grouped event.
        scope.computed.add("eventcount");
        scope.computed.add("duration");
        return NO_FILTER;
      case "subsearch-command": {
        if (!command.subsearch) return NO_FILTER;
        const logic = this.subsearch(command.subsearch, scope);
        return innerJoin(command) ? { filters: true, logic } : NO_FILTER;
      }
      case "macro-command":
        return this.stageMacro(command.macro, scope, atStart, stage);
      case "generic":
        return this.generic(command.name, command.arguments, scope);
      case "rex":
      case "field-list":
      case "bin":
      case "sort":
      case "limit":
      case "fillnull":
      case "convert":
        return NO_FILTER;
      default: {
        const unknown: never = command;
        return unknown;
      }
    }
  }

  private tstats(
    command: Extract<Command, { type: "tstats" }>,
    scope: Scope,
  ): CommandResult {
    for (const macro of command.macros) this.macroReference(macro, scope);
    for (const aggregation of command.aggregations) {
      scope.computed.add(aggregation.output);
    }
    const nodes: string[] = [];
    if (command.nodename) nodes.push(command.nodename.value);
    const logic = command.where
      ? analyseSearch(this.builder, this, command.where, {
          ...scope,
          datamodelNodes: nodes,
        })
      : undefined;
    if (command.datamodel) {
      this.datamodelReference(command.datamodel, nodes, scope);
    }
    return logic ? { filters: true, logic } : NO_FILTER;
  }

  /**
   * Records a data model as its name, with the dataset path as the single
   * argument: `Endpoint.Processes` becomes `Endpoint` with `Processes`, and
   * `Network_Sessions.All_Sessions.DHCP` keeps `All_Sessions.DHCP` whole.
   */
  private datamodelReference(
    literal: Literal,
    extraNodes: string[],
    scope: Scope,
  ): void {
    const text = literal.value;
    const dot = text.indexOf(".");
    const name = dot === -1 ? text : text.slice(0, dot);
    const node = dot === -1 ? [] : [text.slice(dot + 1)];
    this.builder.addReference(scope, {
      kind: "datamodel",
      name,
      arguments: [...node, ...extraNodes],
      span: literal.span,
    });
  }

  private regex(
    command: Extract<Command, { type: "regex" }>,
    scope: Scope,
  ): CommandResult {
    if (!command.pattern) return { filters: true, logic: { type: "true" } };
    const pattern = command.pattern.value;
    if (scope.computed.has(command.field)) {
      // A regex on a value the query computed tests the query's own
      // result, as a where comparison on it does.
      const threshold = this.builder.addThreshold(
        scope,
        command.span,
        command.field,
        "regex",
        pattern,
      );
      return {
        filters: true,
        logic: command.negated ? negate(threshold) : threshold,
      };
    }
    const inner = command.negated ? { ...scope, negated: true } : scope;
    const predicate = this.builder.addPredicate(
      inner,
      command.span,
      command.field,
      "regex",
      [pattern],
      { caseSensitive: !pattern.startsWith("(?i)") },
    );
    return {
      filters: true,
      logic: command.negated ? { type: "not", child: predicate } : predicate,
    };
  }

  private lookup(
    command: Extract<Command, { type: "lookup" | "inputlookup" }>,
    scope: Scope,
  ): CommandResult {
    if (command.table) {
      this.builder.addReference(scope, {
        kind: "lookup",
        name: command.table.value,
        span: command.table.span,
      });
    }
    if (command.type === "lookup" || !command.where) return NO_FILTER;
    return {
      filters: true,
      logic: analyseSearch(this.builder, this, command.where, scope),
    };
  }

  private generic(
    name: string,
    args: readonly Argument[],
    scope: Scope,
  ): CommandResult {
    const literals = args.filter((item) => item.type === "argument");
    if (name === "datamodel" && literals.length > 0) {
      const node = literals[1] ? [literals[1].value.value] : [];
      this.builder.addReference(scope, {
        kind: "datamodel",
        name: literals[0].value.value,
        arguments: node,
        span: literals[0].span,
      });
    }
    if (name === "from" && literals.length > 0) {
      const first = literals[0].value;
      const prefix = "datamodel:";
      if (first.value.startsWith(prefix)) {
        const rest = first.value.slice(prefix.length);
        this.datamodelReference({ ...first, value: rest }, [], scope);
      } else if (first.value === "datamodel" && literals[1]) {
        this.datamodelReference(literals[1].value, [], scope);
      }
    }
    for (const item of args) {
      if (item.type === "subsearch") this.subsearch(item, scope);
      if (item.type === "macro") this.macroReference(item, scope);
    }
    return NO_FILTER;
  }

  /**
   * Analyses a subsearch on its own: its items are recorded with origin
   * `subsearch`, and its result, a set of values that Splunk turns into an
   * OR of ANDs at run time, stays opaque in the outer logic.
   */
  subsearch(node: Subsearch, scope: Scope): LogicNode {
    const inner: Scope = {
      ...scope,
      negated: false,
      origin: "subsearch",
      computed: new Set(),
      unknownStage: { seen: false },
    };
    node.pipeline.commands.forEach((command, index) => {
      this.command(command, inner, index === 0);
    });
    return { type: "opaque", label: "subsearch" };
  }

  listMacro(call: MacroCall, scope: Scope): string[] {
    const raw = scope.text.slice(call.span.start, call.span.end);
    const { commands } = this.expansion(call, scope, "search");
    if (!commands) return [raw];
    // Splunk substitutes the text in place, so the definition is read as
    // the inside of an IN list.
    const parsed = parseSpl(`x IN (${commands.text})`);
    const command = parsed.value.commands[0];
    const list =
      command?.type === "search" && command.expression?.type === "in"
        ? command.expression
        : undefined;
    if (!list) return [raw];
    return list.values.map((value) =>
      value.type === "literal" ? value.value : `\`${value.name}\``,
    );
  }

  searchmatch(text: string, call: EvalCall, scope: Scope): LogicNode {
    const parsed = parseSpl(text);
    const inner: Scope = {
      ...scope,
      text,
      callSpan: scope.callSpan ?? call.span,
    };
    const parts = parsed.value.commands.map(
      (command) => this.command(command, inner, true).logic,
    );
    return combine("and", parts);
  }

  /** Records a macro call and returns its definition when one applies. */
  private macroReference(call: MacroCall, scope: Scope) {
    const definition = findMacro(
      this.builder.macros,
      call.name,
      call.arguments.length,
    );
    const hook = isTuningHook(call.name, definition);
    let status: "tuning-hook" | "expanded" | "unknown" = "unknown";
    if (hook) status = "tuning-hook";
    else if (definition) status = "expanded";
    if (scope.macroStack.length === 0) {
      this.builder.addReference(scope, {
        kind: "macro",
        name: call.name,
        arguments: call.arguments,
        span: call.span,
        status,
      });
    }
    return { definition, status } as const;
  }

  /** Expands a macro written inside a search expression. */
  macro(call: MacroCall, scope: Scope): LogicNode {
    return this.expressionMacro(call, scope, "search");
  }

  /**
   * Expands a macro written inside a where expression. Splunk substitutes
   * the text before parsing, so the definition is read as a where
   * expression, with its precedence and its literal `=`.
   */
  whereMacro(call: MacroCall, scope: Scope): LogicNode {
    return this.expressionMacro(call, scope, "where");
  }

  private expressionMacro(
    call: MacroCall,
    scope: Scope,
    context: "search" | "where",
  ): LogicNode {
    const { status, commands } = this.expansion(call, scope, context);
    if (!commands) return this.unexpanded(call, status, scope);
    const inner = commands.scope;
    const parts = commands.pipeline.commands.map(
      (command, index) => this.command(command, inner, index === 0).logic,
    );
    return combine("and", parts);
  }

  private stageMacro(
    call: MacroCall,
    scope: Scope,
    atStart: boolean,
    stage?: Stage,
  ): CommandResult {
    const context = atStart ? "search" : "stage";
    const { status, commands } = this.expansion(call, scope, context);
    if (stage) {
      stage.macro = { name: call.name, arguments: call.arguments };
      if (commands) stage.macro.expansion = commands.text;
    }
    if (!commands) {
      if (status === "unknown" && dropsObjectName(call)) {
        renameObjectFields(call.arguments[0], scope.computed);
        return NO_FILTER;
      }
      const logic = this.unexpanded(call, status, scope);
      if (!atStart && status !== "tuning-hook") scope.unknownStage.seen = true;
      return { filters: logic.type !== "true", logic };
    }
    const parts: LogicNode[] = [];
    let filters = false;
    commands.pipeline.commands.forEach((command, index) => {
      const result = this.command(
        command,
        commands.scope,
        atStart && index === 0,
      );
      if (result.filters) {
        filters = true;
        parts.push(result.logic);
      }
    });
    return { filters, logic: combine("and", parts) };
  }

  /**
   * Returns true when a rename gives a computed value to its target: the
   * source was computed, or it is a field no earlier stage tested and an
   * unexpanded macro stage, such as `ut_shannon(query)`, may have made it.
   * NOTE: an event field that no stage tested is then read as computed too.
   */
  private computedSource(field: string, scope: Scope): boolean {
    if (scope.computed.has(field)) return true;
    if (!scope.unknownStage.seen) return false;
    const predicates = this.builder.analysis.predicates;
    return !predicates.some((predicate) => predicate.field === field);
  }

  private unexpanded(call: MacroCall, status: string, scope: Scope): LogicNode {
    if (status === "tuning-hook") return { type: "true" };
    const text = scope.text.slice(call.span.start, call.span.end);
    return { type: "opaque", label: text };
  }

  /**
   * Records a macro call and parses its expansion, which is left out when
   * the macro has no definition, is an empty tuning hook or would recurse.
   * A definition used as a whole stage after a pipe is read as commands,
   * one inside a where expression as a where condition, and one at the
   * start of a query or inside a search expression as a search.
   */
  private expansion(
    call: MacroCall,
    scope: Scope,
    context: "search" | "stage" | "where",
  ) {
    const { definition, status } = this.macroReference(call, scope);
    if (!definition || status === "tuning-hook") return { status };
    const stack = scope.macroStack;
    if (stack.includes(call.name) || stack.length >= MAX_MACRO_DEPTH) {
      this.builder.warn(
        "spl-macro-recursion",
        `Macro \`${call.name}\` expands into itself or nests deeper than ${MAX_MACRO_DEPTH} levels; it was not expanded further.`,
        scope.callSpan ?? call.span,
      );
      return { status };
    }
    const builder = this.builder;
    const budget = MAX_EXPANDED_LENGTH - builder.expandedLength;
    if (builder.expansions >= MAX_MACRO_EXPANSIONS || budget <= 0) {
      this.expansionLimit(scope.callSpan ?? call.span);
      return { status };
    }
    builder.expansions++;
    const limit = Math.min(MAX_QUERY_LENGTH, budget);
    const expanded = expandMacro(definition, call.arguments, limit);
    if (expanded === undefined && limit < MAX_QUERY_LENGTH) {
      builder.expandedLength = MAX_EXPANDED_LENGTH;
      this.expansionLimit(scope.callSpan ?? call.span);
      return { status };
    }
    if (expanded === undefined) {
      builder.warn(
        "spl-macro-expansion-too-long",
        `Macro \`${call.name}\` expands to more than ${MAX_QUERY_LENGTH} characters; it was not expanded.`,
        scope.callSpan ?? call.span,
      );
      return { status };
    }
    builder.expandedLength += expanded.length;
    const text = expanded.trim();
    const prefix = { search: "", stage: "| ", where: "| where " }[context];
    const source = prefix + text;
    const parsed = parseSpl(source);
    this.reportDefinitionErrors(call, parsed.diagnostics, scope);
    const inner: Scope = {
      ...scope,
      text: source,
      macro: scope.macro ?? call.name,
      callSpan: scope.callSpan ?? call.span,
      macroStack: [...stack, call.name],
    };
    return { status, commands: { text, pipeline: parsed.value, scope: inner } };
  }

  /** Reports, once per query, that macro expansion stopped at a limit. */
  private expansionLimit(span: Span): void {
    if (this.builder.expansionLimitReported) return;
    this.builder.expansionLimitReported = true;
    this.builder.warn(
      "spl-macro-expansion-limit",
      `Macro expansion stopped after ${MAX_MACRO_EXPANSIONS} expansions or ${MAX_EXPANDED_LENGTH} characters; the remaining macros were left unexpanded.`,
      span,
    );
  }

  private reportDefinitionErrors(
    call: MacroCall,
    diagnostics: readonly Diagnostic[],
    scope: Scope,
  ): void {
    const error = diagnostics.find((d) => d.severity === "error");
    if (!error || this.builder.reportedMacros.has(call.name)) return;
    this.builder.reportedMacros.add(call.name);
    const where = error.span
      ? ` at ${error.span.line}:${error.span.column}`
      : "";
    this.builder.warn(
      "spl-macro-definition-invalid",
      `The definition of macro \`${call.name}\` does not parse${where}: ${error.message}`,
      scope.callSpan ?? call.span,
    );
  }
}

/**
 * True for `drop_dm_object_name(X)`, which strips the `X.` prefix from the
 * field names tstats returns and filters nothing. Rule repositories call it
 * without shipping its definition, so it is recognised by name.
 */
function dropsObjectName(call: MacroCall): boolean {
  return call.name === "drop_dm_object_name" && call.arguments.length === 1;
}

/** Applies `rename X.* AS *` to the computed fields. */
function renameObjectFields(argument: string, computed: Set<string>): void {
  const prefix = `${unquote(argument.trim())}.`;
  for (const field of [...computed]) {
    if (field.startsWith(prefix)) computed.add(field.slice(prefix.length));
  }
}

function unquote(text: string): string {
  const quoted = text.length >= 2 && text.startsWith('"') && text.endsWith('"');
  return quoted ? text.slice(1, -1) : text;
}

/**
 * True for a join that drops events without a match in its subsearch:
 * Splunk's join is an inner join unless `type=left` or `type=outer` is
 * given.
 */
function innerJoin(command: Extract<Command, { type: "subsearch-command" }>) {
  if (command.name.toLowerCase() !== "join") return false;
  const type = command.options.find(
    (option) => option.name.toLowerCase() === "type",
  );
  return !type || type.value.value.toLowerCase() === "inner";
}
