import type {
  Aggregation,
  Argument,
  FieldReference,
  Literal,
  OptionArgument,
  Rename,
} from "./ast.ts";
import { splitArguments, type ParseContext } from "./context.ts";
import { parseMacroCall, parseSubsearch } from "./search-expression.ts";

/**
 * Reads the arguments of a command up to the end of the command:
 * `name=value` options, function calls, parenthesised groups, subsearches,
 * macros and plain words or strings. `stopWords` (upper case) end the list
 * early, leaving the word unread.
 */
export function readArguments(
  context: ParseContext,
  stopWords?: ReadonlySet<string>,
): Argument[] {
  const items: Argument[] = [];
  for (;;) {
    const token = context.peek();
    if (context.endsCommand(token)) break;
    if (
      stopWords &&
      token.kind === "word" &&
      stopWords.has(token.value.toUpperCase())
    ) {
      break;
    }
    const span = context.span(token.start, token.end);
    switch (token.kind) {
      case "comma":
        context.next();
        continue;
      case "lbracket": {
        const subsearch = parseSubsearch(context, token);
        if (subsearch) items.push(subsearch);
        continue;
      }
      case "macro":
        context.next();
        items.push(parseMacroCall(context, token));
        continue;
      case "lparen": {
        context.next();
        const body = context.lexer.readBalanced();
        items.push({
          type: "group",
          text: body.text,
          span: context.span(token.start, body.end),
        });
        continue;
      }
      case "rparen":
      case "rbracket":
      case "operator":
        context.next();
        items.push({ type: "operator", operator: token.value, span });
        continue;
      case "word":
      case "string":
        break;
      default:
        context.next();
        continue;
    }

    context.next();
    const following = context.peek();
    if (
      token.kind === "word" &&
      following.kind === "lparen" &&
      !following.spaceBefore
    ) {
      context.next();
      const body = context.lexer.readBalanced();
      items.push({
        type: "call",
        name: token.value,
        arguments: splitArguments(body.text),
        span: context.span(token.start, body.end),
      });
      continue;
    }
    if (
      token.kind === "word" &&
      following.kind === "operator" &&
      following.value === "="
    ) {
      context.next();
      const valueToken = context.peek();
      let value: Literal;
      if (valueToken.kind === "word" || valueToken.kind === "string") {
        context.next();
        value = context.readLiteral(valueToken);
      } else if (valueToken.kind === "macro") {
        context.next();
        value = context.literal(valueToken, valueToken, valueToken.raw);
      } else {
        value = {
          type: "literal",
          raw: "",
          value: "",
          quoted: false,
          span: context.span(following.end, following.end),
        };
      }
      items.push({
        type: "option",
        name: token.value,
        value,
        span: context.span(token.start, value.span.end),
      });
      continue;
    }
    const value = context.readLiteral(token);
    items.push({ type: "argument", value, span: value.span });
  }
  return items;
}

export function options(items: readonly Argument[]): OptionArgument[] {
  return items.filter((item) => item.type === "option");
}

/** Checks whether an argument is the word `word`, compared case-insensitively. */
export function isWord(item: Argument | undefined, word: string): boolean {
  return (
    item !== undefined &&
    item.type === "argument" &&
    !item.value.quoted &&
    item.value.value.toLowerCase() === word
  );
}

export function fieldReference(item: Argument): FieldReference | undefined {
  if (item.type === "argument") {
    return { type: "field-reference", name: item.value.value, span: item.span };
  }
  if (item.type === "call") {
    const text = `${item.name}(${item.arguments.join(", ")})`;
    return { type: "field-reference", name: text, span: item.span };
  }
  return undefined;
}

/**
 * Reads aggregations (`count`, `dc(x) as y`) and the `by` (or `over`)
 * field list of stats-like commands.
 */
export function readAggregations(
  items: readonly Argument[],
  isFunctionName: (name: string) => boolean,
): { aggregations: Aggregation[]; by: FieldReference[] } {
  const aggregations: Aggregation[] = [];
  const by: FieldReference[] = [];
  let inBy = false;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (isWord(item, "by") || isWord(item, "over")) {
      inBy = true;
      continue;
    }
    if (inBy) {
      const field = fieldReference(item);
      if (field && item.type !== "call") by.push(field);
      continue;
    }
    let aggregation: Aggregation | undefined;
    if (item.type === "call") {
      aggregation = {
        type: "aggregation",
        function: item.name,
        arguments: item.arguments,
        output: `${item.name}(${item.arguments.join(",")})`,
        span: item.span,
      };
    } else if (
      item.type === "argument" &&
      !item.value.quoted &&
      isFunctionName(item.value.value)
    ) {
      aggregation = {
        type: "aggregation",
        function: item.value.value,
        arguments: [],
        output: item.value.value,
        span: item.span,
      };
    }
    if (!aggregation) continue;
    const alias = items[i + 1];
    const name = items[i + 2];
    if (isWord(alias, "as") && name && name.type === "argument") {
      aggregation.output = name.value.value;
      aggregation.span = { ...aggregation.span, ...endOf(name.span) };
      i += 2;
    }
    aggregations.push(aggregation);
  }
  return { aggregations, by };
}

function endOf(span: { end: number; endLine: number; endColumn: number }) {
  return { end: span.end, endLine: span.endLine, endColumn: span.endColumn };
}

/** Reads `a as b, c` pairs, as rename and lookup write them. */
export function readRenames(items: readonly Argument[]): Rename[] {
  const renames: Rename[] = [];
  for (let i = 0; i < items.length; i++) {
    const from = fieldReference(items[i]);
    if (!from) continue;
    let to = from;
    if (isWord(items[i + 1], "as") && items[i + 2]) {
      to = fieldReference(items[i + 2]) ?? from;
      i += 2;
    }
    renames.push({
      type: "rename",
      from,
      to,
      span: { ...from.span, ...endOf(to.span) },
    });
  }
  return renames;
}
