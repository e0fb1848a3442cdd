import type { Result } from "../../core/diagnostic.ts";
import {
  fieldReference,
  isWord,
  options,
  readAggregations,
  readArguments,
  readRenames,
} from "./arguments.ts";
import type {
  Argument,
  Assignment,
  Command,
  FieldReference,
  Literal,
  MacroCall,
  Pipeline,
  SearchExpression,
} from "./ast.ts";
import { ParseContext } from "./context.ts";
import { parseEvalExpression } from "./eval-expression.ts";
import type { Token } from "./lexer.ts";
import { parseMacroCall, parseSearchExpression } from "./search-expression.ts";

/**
 * Maximum query length the parser reads, in UTF-16 code units. Parsing is linear,
 * but the analysis of a multi-megabyte query would hold millions of items;
 * the largest rules in the public Splunk corpora are a few kilobytes.
 */
export const MAX_QUERY_LENGTH = 1_000_000;

/**
 * Parses one SPL query into a pipeline. Never throws on user input: every
 * problem is a diagnostic with a span, and parsing goes on after it.
 */
export function parseSpl(text: string): Result<Pipeline> {
  if (text.length > MAX_QUERY_LENGTH) {
    const context = new ParseContext("");
    return {
      value: {
        type: "pipeline",
        commands: [],
        comments: [],
        span: context.span(0, 0),
      },
      diagnostics: [
        {
          severity: "error",
          code: "spl-query-too-long",
          message: `Query is ${text.length} characters long, over the limit of ${MAX_QUERY_LENGTH}; it was not parsed.`,
          span: new ParseContext(text.slice(0, 1)).span(0, 0),
        },
      ],
    };
  }
  const context = new ParseContext(text);
  context.parsePipeline = (inSubsearch) => parsePipeline(context, inSubsearch);
  const pipeline = parsePipeline(context, false);
  for (;;) {
    // Only a stray `]` can stop the top-level pipeline early.
    const token = context.peek();
    if (token.kind === "eof") break;
    context.next();
    context.report(
      "error",
      "spl-unbalanced-bracket",
      `Closing ${token.raw} has no matching opening one; remove it.`,
      token.start,
      token.end,
    );
    const rest = parsePipeline(context, false);
    for (const command of rest.commands) pipeline.commands.push(command);
  }
  pipeline.comments = context.lexer.comments;
  if (pipeline.commands.length === 0 && !context.abandoned) {
    const onlyPipes = text.trim() !== "" && text.includes("|");
    if (!onlyPipes) {
      context.report(
        "error",
        "spl-empty-query",
        "The query is empty; write a search such as index=main error.",
        0,
        text.length,
      );
    }
  }
  pipeline.span = context.span(0, text.length);
  return { value: pipeline, diagnostics: context.diagnostics };
}

function parsePipeline(context: ParseContext, inSubsearch: boolean): Pipeline {
  const start = context.lexer.offset;
  const commands: Command[] = [];
  let first = true;
  let afterPipe = false;
  for (;;) {
    const token = context.peek();
    if (token.kind === "pipe") {
      context.next();
      if (afterPipe) emptyStage(context, token);
      // A leading pipe starts a generating command, not an implicit search.
      first = false;
      afterPipe = true;
      continue;
    }
    if (context.endsCommand(token) || token.kind === "rbracket") {
      if (afterPipe) emptyStage(context, token);
      break;
    }
    commands.push(parseCommand(context, first));
    first = false;
    afterPipe = false;
  }
  // Ends with the last command: the lexer may already have skipped a
  // comment or whitespace after it.
  const last = commands[commands.length - 1];
  return {
    type: "pipeline",
    commands,
    comments: [],
    span: context.span(start, last ? last.span.end : start),
  };
}

function emptyStage(context: ParseContext, token: Token): void {
  context.report(
    "error",
    "spl-empty-stage",
    "A pipe is not followed by a command; remove the extra | or add a command.",
    token.start,
    token.end,
  );
}

const STATS_COMMANDS = new Set([
  "stats",
  "eventstats",
  "streamstats",
  "chart",
  "timechart",
  "sistats",
  "mstats",
]);
const FIELD_LIST_COMMANDS = new Set([
  "table",
  "fields",
  "dedup",
  "mvexpand",
  "spath",
  "makeresults",
  "makemv",
  "nomv",
  "iplocation",
  "xmlkv",
  "kvform",
]);
const SUBSEARCH_COMMANDS = new Set([
  "join",
  "append",
  "appendcols",
  "appendpipe",
  "union",
  "multisearch",
  "set",
]);

/** Commands that may open a bracketed body without a leading pipe. */
const SUBSEARCH_BODY_COMMANDS = new Set([
  "eval",
  "where",
  "rex",
  "rename",
  "fillnull",
  "inputlookup",
  "tstats",
  "makeresults",
  "stats",
  "lookup",
]);

const BY_WORDS: ReadonlySet<string> = new Set(["BY"]);

function parseCommand(context: ParseContext, first: boolean): Command {
  const token = context.peek();
  if (token.kind === "macro") {
    const macroCommand = tryMacroCommand(context, token);
    if (macroCommand) return macroCommand;
  }
  const isSearchWord = token.kind === "word" && token.value === "search";
  // The body of `foreach ... [ eval ... ]` starts with a command, not a search.
  const namesCommand =
    context.subsearchDepth > 0 &&
    token.kind === "word" &&
    SUBSEARCH_BODY_COMMANDS.has(token.value.toLowerCase());
  if (first && !isSearchWord && !namesCommand) {
    const expression = parseSearchExpression(context);
    return finishSearch(context, token.start, expression, true);
  }
  if (token.kind !== "word") {
    context.report(
      "error",
      "spl-missing-command",
      `A command name is expected after |, not ${token.raw}.`,
      token.start,
      token.end,
    );
    const args = readArguments(context);
    return {
      type: "generic",
      name: "",
      arguments: args,
      span: commandSpan(context, token.start),
    };
  }
  context.next();
  const name = token.value.toLowerCase();
  return parseNamedCommand(context, name, token.start);
}

function tryMacroCommand(
  context: ParseContext,
  token: Token,
): Command | undefined {
  context.next();
  const following = context.peek();
  if (!context.endsCommand(following) && following.kind !== "rbracket") {
    context.lexer.rewind(token.start);
    return undefined;
  }
  const macro: MacroCall = parseMacroCall(context, token);
  return {
    type: "macro-command",
    name: macro.name,
    macro,
    span: macro.span,
  };
}

function commandSpan(context: ParseContext, start: number) {
  return context.span(start, Math.max(start, lastEnd(context)));
}

function lastEnd(context: ParseContext): number {
  return context.lexer.lastEnd;
}

function finishSearch(
  context: ParseContext,
  start: number,
  expression: SearchExpression | undefined,
  implicit: boolean,
): Command {
  skipLeftovers(context);
  return {
    type: "search",
    name: "search",
    implicit: implicit || undefined,
    expression,
    span: commandSpan(context, start),
  };
}

/**
 * True for a token that ends a stage. Besides `|` and `]`, a macro call
 * right after an expression starts a stage of its own: rules write
 * `` where x>1 `send_alert` `` where the macro expands to `| collect ...`.
 */
function endsStage(context: ParseContext, token: Token): boolean {
  return (
    context.endsCommand(token) ||
    token.kind === "rbracket" ||
    token.kind === "macro"
  );
}

/** Reports and skips tokens an expression parser left before the command end. */
function skipLeftovers(context: ParseContext): void {
  let reported = false;
  for (;;) {
    const token = context.peek("expression");
    if (endsStage(context, token)) return;
    context.next("expression");
    if (!reported) {
      context.report(
        "error",
        "spl-unexpected-token",
        `Unexpected ${token.raw}; the expression ended before it.`,
        token.start,
        token.end,
      );
      reported = true;
    }
  }
}

function parseNamedCommand(
  context: ParseContext,
  name: string,
  start: number,
): Command {
  if (name === "search") {
    const expression = parseSearchExpression(context);
    return finishSearch(context, start, expression, false);
  }
  if (name === "where") {
    const expression = parseEvalExpression(context);
    if (!expression) {
      context.report(
        "error",
        "spl-missing-expression",
        "where needs a condition, such as where count > 10.",
        start,
        start + name.length,
      );
    }
    skipLeftovers(context);
    return {
      type: "where",
      name,
      expression,
      span: commandSpan(context, start),
    };
  }
  if (name === "eval") {
    return parseEval(context, start);
  }
  if (name === "tstats") return parseTstats(context, start);
  if (name === "inputlookup" || name === "outputlookup") {
    return parseInputlookup(context, name, start);
  }
  if (name === "regex") return parseRegex(context, start);

  const args = readArguments(context);
  const span = commandSpan(context, start);
  const command = buildCommand(name, args, span);
  if (command.type !== "generic") {
    const macros = args.filter((item) => item.type === "macro");
    if (macros.length > 0) command.argumentMacros = macros;
  }
  if (command.type === "rex" && !command.pattern?.quoted) {
    context.report(
      "warning",
      "spl-unquoted-regex",
      "rex expects its regular expression in double quotes; an unquoted pattern is split at spaces and brackets.",
      start,
      span.end,
    );
  }
  return command;
}

function buildCommand(
  name: string,
  args: Argument[],
  span: ReturnType<ParseContext["span"]>,
): Command {
  const plain = args.filter((item) => item.type !== "option");
  if (STATS_COMMANDS.has(name)) {
    const { aggregations, by } = readAggregations(args, isBareAggregation);
    return {
      type: "stats",
      name,
      options: options(args),
      aggregations,
      by,
      span,
    };
  }
  if (FIELD_LIST_COMMANDS.has(name)) {
    let mode: "+" | "-" | undefined;
    let rest = plain;
    // `dedup 2 host` keeps two events per host; the count is not a field.
    if (name === "dedup" && rest[0]?.type === "argument") {
      if (/^\d+$/.test(rest[0].value.value)) rest = rest.slice(1);
    }
    if (name === "fields" && rest.length > 0) {
      const sign = rest[0];
      if (isWord(sign, "+") || isWord(sign, "-")) {
        mode =
          sign.type === "argument"
            ? (sign.value.value as "+" | "-")
            : undefined;
        rest = rest.slice(1);
      }
    }
    return {
      type: "field-list",
      name,
      options: options(args),
      mode,
      fields: fieldList(rest),
      span,
    };
  }
  if (SUBSEARCH_COMMANDS.has(name)) {
    const subsearch = args.find((item) => item.type === "subsearch");
    return {
      type: "subsearch-command",
      name,
      options: options(args),
      fields: fieldList(plain),
      subsearch,
      span,
    };
  }
  switch (name) {
    case "rex":
      return {
        type: "rex",
        name,
        options: options(args),
        pattern: firstLiteral(plain),
        span,
      };
    case "lookup":
      return buildLookup(name, args, span);
    case "rename":
      return { type: "rename", name, renames: readRenames(plain), span };
    case "bin":
    case "bucket":
      return {
        type: "bin",
        name,
        options: options(args),
        field: fieldList(plain)[0],
        span,
      };
    case "sort":
      return buildSort(name, plain, span);
    case "head":
    case "tail":
      return {
        type: "limit",
        name,
        options: options(args),
        count: firstLiteral(plain)?.value,
        span,
      };
    case "fillnull":
      return {
        type: "fillnull",
        name,
        options: options(args),
        fields: fieldList(plain),
        span,
      };
    case "convert": {
      const { aggregations } = readAggregations(plain, () => false);
      return {
        type: "convert",
        name,
        options: options(args),
        conversions: aggregations,
        span,
      };
    }
    case "transaction":
      return {
        type: "transaction",
        name,
        options: options(args),
        fields: fieldList(plain),
        span,
      };
    default:
      return { type: "generic", name, arguments: args, span };
  }
}

function isBareAggregation(name: string): boolean {
  return name === "count" || name === "c";
}

function firstLiteral(items: readonly Argument[]): Literal | undefined {
  for (const item of items) {
    if (item.type === "argument") return item.value;
  }
  return undefined;
}

function fieldList(items: readonly Argument[]): FieldReference[] {
  const fields: FieldReference[] = [];
  for (const item of items) {
    if (item.type !== "argument") continue;
    const field = fieldReference(item);
    if (field) fields.push(field);
  }
  return fields;
}

function buildLookup(
  name: string,
  args: Argument[],
  span: ReturnType<ParseContext["span"]>,
): Command {
  const plain = args.filter((item) => item.type !== "option");
  const table = firstLiteral(plain);
  const rest = plain.slice(table ? 1 : 0);
  const outputAt = rest.findIndex(
    (item) => isWord(item, "output") || isWord(item, "outputnew"),
  );
  const inputs = outputAt === -1 ? rest : rest.slice(0, outputAt);
  const outputs = outputAt === -1 ? [] : rest.slice(outputAt + 1);
  return {
    type: "lookup",
    name,
    options: options(args),
    table,
    inputs: readRenames(inputs),
    outputs: readRenames(outputs),
    span,
  };
}

function buildSort(
  name: string,
  plain: Argument[],
  span: ReturnType<ParseContext["span"]>,
): Command {
  let limit: string | undefined;
  const keys: { field: FieldReference; descending: boolean }[] = [];
  let pendingSign: string | undefined;
  for (const item of plain) {
    if (item.type !== "argument") continue;
    const text = item.value.value;
    if (keys.length === 0 && limit === undefined && /^\d+$/.test(text)) {
      limit = text;
      continue;
    }
    if (text === "-" || text === "+") {
      pendingSign = text;
      continue;
    }
    let fieldName = text;
    let descending = pendingSign === "-";
    if (text.startsWith("-") || text.startsWith("+")) {
      descending = text.startsWith("-");
      fieldName = text.slice(1);
    }
    pendingSign = undefined;
    keys.push({
      field: { type: "field-reference", name: fieldName, span: item.span },
      descending,
    });
  }
  return { type: "sort", name, limit, keys, span };
}

function parseEval(context: ParseContext, start: number): Command {
  const assignments: Assignment[] = [];
  for (;;) {
    const token = context.peek("expression");
    if (endsStage(context, token)) break;
    if (token.kind === "comma") {
      context.next("expression");
      continue;
    }
    // Assigned names are read as search words, because Splunk accepts
    // names such as `feature_-value` that an expression would split.
    const quotedTarget = context.peek("expression").kind === "field";
    const target = context.next(quotedTarget ? "expression" : "search");
    const equals = context.peek("expression");
    const isTarget =
      target.kind === "word" ||
      target.kind === "string" ||
      target.kind === "field";
    if (!isTarget || equals.kind !== "operator" || equals.value !== "=") {
      context.report(
        "error",
        "spl-invalid-assignment",
        `eval expects field=expression, not ${target.raw}.`,
        target.start,
        target.end,
      );
      skipToComma(context);
      continue;
    }
    context.next("expression");
    const expression = parseEvalExpression(context);
    if (!expression) {
      context.report(
        "error",
        "spl-missing-expression",
        `eval ${target.raw}= has no expression.`,
        target.start,
        equals.end,
      );
      skipToComma(context);
      continue;
    }
    assignments.push({
      type: "assignment",
      field: {
        type: "field-reference",
        name: target.value,
        span: context.span(target.start, target.end),
      },
      expression,
      span: context.span(target.start, expression.span.end),
    });
    const after = context.peek("expression");
    if (after.kind !== "comma" && !endsStage(context, after)) {
      context.report(
        "error",
        "spl-unexpected-token",
        `Unexpected ${after.raw} after an eval assignment; separate assignments with commas.`,
        after.start,
        after.end,
      );
      skipToComma(context);
    }
  }
  return {
    type: "eval",
    name: "eval",
    assignments,
    span: commandSpan(context, start),
  };
}

function skipToComma(context: ParseContext): void {
  for (;;) {
    const token = context.peek("expression");
    if (context.endsCommand(token) || token.kind === "rbracket") return;
    context.next("expression");
    if (token.kind === "comma") return;
  }
}

function parseTstats(context: ParseContext, start: number): Command {
  const collected: Argument[] = [];
  let datamodel: Literal | undefined;
  let nodename: Literal | undefined;
  let where: SearchExpression | undefined;
  const by: FieldReference[] = [];
  const stopWords = new Set(["FROM", "WHERE", "BY"]);
  for (;;) {
    for (const item of readArguments(context, stopWords)) collected.push(item);
    const token = context.peek();
    if (context.endsCommand(token) || token.kind !== "word") break;
    context.next();
    const keyword = token.value.toUpperCase();
    if (keyword === "FROM") {
      const items = readArguments(context, stopWords);
      for (const item of items) {
        if (item.type === "option" && item.value.value !== "") {
          if (item.name.toLowerCase() === "datamodel") datamodel = item.value;
          else if (item.name.toLowerCase() === "nodename")
            nodename = item.value;
          else collected.push(item);
        } else if (item.type === "argument" && !isWord(item, "datamodel")) {
          datamodel ??= item.value;
        } else if (!isWord(item, "datamodel")) {
          collected.push(item);
        }
      }
    } else if (keyword === "WHERE") {
      const expression = parseSearchExpression(context, BY_WORDS);
      if (!expression) missingWhere(context, token);
      if (expression) {
        where = where
          ? {
              type: "and",
              operands: [where, expression],
              implicit: true,
              span: context.span(where.span.start, expression.span.end),
            }
          : expression;
      }
    } else {
      const items = readArguments(context, stopWords);
      for (const item of items) {
        if (item.type === "option") collected.push(item);
        else {
          const field =
            item.type === "argument" ? fieldReference(item) : undefined;
          if (field) by.push(field);
        }
      }
    }
  }
  const { aggregations } = readAggregations(collected, isBareAggregation);
  return {
    type: "tstats",
    name: "tstats",
    options: options(collected),
    macros: collected.filter((item) => item.type === "macro"),
    aggregations,
    datamodel,
    nodename,
    where,
    by,
    span: commandSpan(context, start),
  };
}

function missingWhere(context: ParseContext, token: Token): void {
  context.report(
    "error",
    "spl-missing-expression",
    "where is not followed by a condition; add one or remove where.",
    token.start,
    token.end,
  );
}

function parseInputlookup(
  context: ParseContext,
  name: "inputlookup" | "outputlookup",
  start: number,
): Command {
  const args = readArguments(context, new Set(["WHERE"]));
  let where: SearchExpression | undefined;
  const token = context.peek();
  if (token.kind === "word" && token.value.toUpperCase() === "WHERE") {
    context.next();
    where = parseSearchExpression(context);
    if (!where) missingWhere(context, token);
    skipLeftovers(context);
  }
  const plain = args.filter((item) => item.type !== "option");
  return {
    type: "inputlookup",
    name,
    options: options(args),
    table: firstLiteral(plain),
    where,
    span: commandSpan(context, start),
  };
}

function parseRegex(context: ParseContext, start: number): Command {
  const token = context.peek();
  let field = "_raw";
  let negated = false;
  let pattern: Literal | undefined;
  if (token.kind === "word") {
    context.next();
    const operator = context.peek();
    if (
      operator.kind === "operator" &&
      (operator.value === "=" || operator.value === "!=")
    ) {
      context.next();
      field = token.value;
      negated = operator.value === "!=";
    } else {
      context.lexer.rewind(token.start);
    }
  }
  const rest = readArguments(context);
  for (const item of rest) {
    if (item.type === "argument") {
      pattern = item.value;
      break;
    }
  }
  if (!pattern) {
    context.report(
      "error",
      "spl-missing-value",
      'regex needs a pattern, such as regex field="(?i)evil".',
      start,
      Math.max(start + 5, lastEnd(context)),
    );
  }
  return {
    type: "regex",
    name: "regex",
    field,
    negated,
    pattern,
    span: commandSpan(context, start),
  };
}
