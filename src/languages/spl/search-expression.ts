import type {
  ComparisonOperator,
  Literal,
  MacroCall,
  SearchDirective,
  SearchExpression,
  Subsearch,
} from "./ast.ts";
import { splitArguments, type ParseContext } from "./context.ts";
import type { Token } from "./lexer.ts";

/**
 * Parses the search language of `search`, the implicit first search and
 * the `where` clauses of tstats and inputlookup. Splunk evaluates OR before
 * AND here, so `A B OR C` is `A AND (B OR C)`; the parser warns with
 * `spl-precedence-sensitive` wherever that reading depends on it.
 *
 * `stopWords` are upper-case words that end the expression, such as `BY`
 * in tstats. Returns undefined when the expression is empty.
 */
export function parseSearchExpression(
  context: ParseContext,
  stopWords: ReadonlySet<string> = NO_STOP_WORDS,
): SearchExpression | undefined {
  return new SearchParser(context, stopWords).parseAnd(0);
}

const NO_STOP_WORDS: ReadonlySet<string> = new Set();

const COMPARISONS = new Set(["=", "==", "!=", "<", "<=", ">", ">="]);

export function parseMacroCall(context: ParseContext, token: Token): MacroCall {
  const text = token.value;
  const open = text.indexOf("(");
  let name = text.trim();
  let args: string[] = [];
  if (open !== -1 && text.trimEnd().endsWith(")")) {
    name = text.slice(0, open).trim();
    args = splitArguments(text.slice(open + 1, text.trimEnd().length - 1));
  }
  if (!/^[\w.:-]+$/.test(name)) {
    // A warning, because only the expansion depends on the name: the call
    // stays an unknown macro and the rest of the query reads as usual.
    context.report(
      "warning",
      "spl-invalid-macro-name",
      `\`${text}\` is not a macro call; a macro name uses letters, digits, _ . : and -.`,
      token.start,
      token.end,
    );
  }
  return {
    type: "macro",
    name,
    arguments: args,
    span: context.span(token.start, token.end),
  };
}

/** Parses `[ ... ]` after its `[` was peeked. */
export function parseSubsearch(
  context: ParseContext,
  open: Token,
): Subsearch | undefined {
  if (!context.enter(open.start)) return undefined;
  context.next();
  context.subsearchDepth++;
  const pipeline = context.parsePipeline(true);
  context.subsearchDepth--;
  context.leave();
  const close = context.peek();
  const commands = pipeline.commands;
  let end =
    commands.length > 0 ? commands[commands.length - 1].span.end : open.end;
  if (close.kind === "rbracket") {
    context.next();
    end = close.end;
  } else {
    context.report(
      "error",
      "spl-unclosed-bracket",
      "Subsearch opened with [ is never closed; add ].",
      open.start,
      open.end,
    );
  }
  return { type: "subsearch", pipeline, span: context.span(open.start, end) };
}

class SearchParser {
  constructor(
    private readonly context: ParseContext,
    private readonly stopWords: ReadonlySet<string>,
  ) {}

  /** True for a token that ends the expression at this nesting level. */
  private endsExpression(token: Token, groupDepth: number): boolean {
    if (this.context.endsCommand(token)) return true;
    if (token.kind === "rparen" && groupDepth > 0) return true;
    return (
      token.kind === "word" &&
      this.stopWords.size > 0 &&
      this.stopWords.has(token.value.toUpperCase())
    );
  }

  parseAnd(groupDepth: number): SearchExpression | undefined {
    const context = this.context;
    const operands: SearchExpression[] = [];
    let implicit = false;
    let explicitPending = false;
    for (;;) {
      const token = context.peek();
      if (this.endsExpression(token, groupDepth)) break;
      if (token.kind === "word" && token.value === "AND") {
        context.next();
        if (operands.length === 0) this.missingOperand(token, "left");
        explicitPending = true;
        continue;
      }
      if (token.kind === "word" && token.value === "OR") {
        context.next();
        this.missingOperand(token, "left");
        continue;
      }
      if (token.kind === "comma") {
        context.next();
        continue;
      }
      if (token.kind === "rparen" || token.kind === "rbracket") {
        context.next();
        context.report(
          "error",
          token.kind === "rparen"
            ? "spl-unbalanced-parenthesis"
            : "spl-unbalanced-bracket",
          `Closing ${token.raw} has no matching opening one; remove it or add the opening one.`,
          token.start,
          token.end,
        );
        continue;
      }
      const operand = this.parseOr(groupDepth);
      if (!operand) break;
      if (operands.length > 0 && !explicitPending) implicit = true;
      explicitPending = false;
      operands.push(operand);
    }
    if (explicitPending && operands.length > 0) {
      const at = context.peek();
      this.missingOperand(at, "right", "AND");
    }
    if (operands.length === 0) return undefined;
    if (operands.length === 1) return operands[0];
    const and: SearchExpression = {
      type: "and",
      operands,
      implicit,
      span: context.span(
        operands[0].span.start,
        operands[operands.length - 1].span.end,
      ),
    };
    if (operands.some((operand) => operand.type === "or")) {
      context.report(
        "warning",
        "spl-precedence-sensitive",
        "OR and AND are mixed without parentheses; Splunk search evaluates OR first, so this reads as AND of the OR groups. Add parentheses to make the intent explicit.",
        and.span.start,
        and.span.end,
      );
    }
    return and;
  }

  private missingOperand(token: Token, side: string, operator = token.raw) {
    this.context.report(
      "error",
      "spl-missing-operand",
      `${operator} has no expression on its ${side}; a search cannot ${side === "left" ? "start" : "end"} with ${operator}.`,
      token.start,
      token.end,
    );
  }

  private parseOr(groupDepth: number): SearchExpression | undefined {
    const context = this.context;
    const first = this.parseNot(groupDepth);
    if (!first) return undefined;
    const operands = [first];
    for (;;) {
      let token = context.peek();
      if (token.kind === "comma") {
        // A stray comma before OR, as in `"a", OR "b"`, is a breaker.
        context.next();
        const following = context.peek();
        if (following.kind !== "word" || following.value !== "OR") {
          context.lexer.rewind(token.start);
          break;
        }
        token = following;
      }
      if (token.kind !== "word" || token.value !== "OR") break;
      context.next();
      const following = context.peek();
      const isOperator =
        following.kind === "word" &&
        (following.value === "OR" || following.value === "AND");
      if (this.endsExpression(following, groupDepth) || isOperator) {
        this.missingOperand(token, "right");
        break;
      }
      const operand = this.parseNot(groupDepth);
      if (!operand) break;
      operands.push(operand);
    }
    if (operands.length === 1) return first;
    return {
      type: "or",
      operands,
      span: context.span(
        first.span.start,
        operands[operands.length - 1].span.end,
      ),
    };
  }

  private parseNot(groupDepth: number): SearchExpression | undefined {
    const context = this.context;
    const token = context.peek();
    if (token.kind !== "word" || token.value !== "NOT") {
      return this.parsePrimary(groupDepth);
    }
    context.next();
    const following = context.peek();
    if (this.endsExpression(following, groupDepth)) {
      this.missingOperand(token, "right");
      return { type: "error", span: context.span(token.start, token.end) };
    }
    if (!context.enter(token.start)) return undefined;
    const operand = this.parseNot(groupDepth);
    context.leave();
    if (!operand) return undefined;
    return {
      type: "not",
      operand,
      span: context.span(token.start, operand.span.end),
    };
  }

  private parsePrimary(groupDepth: number): SearchExpression | undefined {
    const context = this.context;
    const token = context.peek();
    switch (token.kind) {
      case "lparen":
        return this.parseGroup(token, groupDepth);
      case "lbracket":
        return parseSubsearch(context, token);
      case "macro":
        context.next();
        return parseMacroCall(context, token);
      case "word":
      case "string":
        context.next();
        return this.parseWord(token);
      case "operator": {
        context.next();
        context.report(
          "error",
          "spl-missing-field",
          `Comparison ${token.raw} has no field on its left; write field${token.raw}value.`,
          token.start,
          token.end,
        );
        const value = context.peek();
        if (!value.spaceBefore && value.kind === "word") context.next();
        return { type: "error", span: context.span(token.start, token.end) };
      }
      default:
        return undefined;
    }
  }

  private parseGroup(
    open: Token,
    groupDepth: number,
  ): SearchExpression | undefined {
    const context = this.context;
    if (!context.enter(open.start)) return undefined;
    context.next();
    const inner = this.parseAnd(groupDepth + 1);
    context.leave();
    const close = context.peek();
    // An unclosed group ends with its last operand, not at the pipe that
    // stopped it.
    let end = inner ? inner.span.end : open.end;
    if (close.kind === "rparen") {
      context.next();
      end = close.end;
    } else {
      context.report(
        "error",
        "spl-unbalanced-parenthesis",
        "Parenthesis opened here is never closed; add ).",
        open.start,
        open.end,
      );
    }
    const span = context.span(open.start, Math.max(end, open.end));
    if (!inner) {
      context.report(
        "error",
        "spl-empty-group",
        "Parentheses hold no search expression.",
        open.start,
        span.end,
      );
      return { type: "error", span };
    }
    return { type: "group", expression: inner, span };
  }

  /** Reads a term, a comparison, an IN list or a TERM()/CASE() directive. */
  private parseWord(token: Token): SearchExpression {
    const context = this.context;
    const directive = this.parseDirective(token);
    if (directive) return directive;

    const following = context.peek();
    if (following.kind === "operator" && COMPARISONS.has(following.value)) {
      return this.parseComparison(token, following);
    }
    // A quoted field name, as in `"result.status" IN (...)`, is read like
    // a quoted field before `=`.
    if (following.kind === "word") {
      if (following.value === "IN") {
        const afterField = following.start;
        context.next();
        const open = context.peek();
        if (open.kind === "lparen") return this.parseIn(token, open);
        context.lexer.rewind(afterField);
      }
    }
    const value = context.readLiteral(token);
    return { type: "term", value, span: value.span };
  }

  private parseDirective(token: Token): SearchDirective | undefined {
    const context = this.context;
    if (token.kind !== "word") return undefined;
    const name = token.value.toUpperCase();
    if (name !== "TERM" && name !== "CASE") return undefined;
    const open = context.peek();
    if (open.kind !== "lparen") return undefined;
    context.next();
    const body = context.lexer.readBalanced();
    if (!body.closed) {
      context.report(
        "error",
        "spl-unbalanced-parenthesis",
        `${name}( is never closed; add ).`,
        token.start,
        open.end,
      );
    }
    const innerStart = open.end;
    const innerEnd = innerStart + body.text.length;
    const raw = body.text;
    const trimmed = raw.trim();
    const quoted =
      trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"');
    const inner: Literal = {
      type: "literal",
      raw,
      value: quoted ? trimmed.slice(1, -1) : trimmed,
      quoted,
      span: context.span(innerStart, innerEnd),
    };
    return {
      type: "directive",
      name,
      inner,
      span: context.span(token.start, body.end),
    };
  }

  private parseComparison(
    fieldToken: Token,
    operator: Token,
  ): SearchExpression {
    const context = this.context;
    context.next();
    const field = context.literal(fieldToken, fieldToken, fieldToken.value);
    const op = (
      operator.value === "==" ? "=" : operator.value
    ) as ComparisonOperator;
    const valueToken = context.peek();
    let value: Literal | SearchDirective | undefined;
    if (valueToken.kind === "word" || valueToken.kind === "string") {
      context.next();
      value =
        this.parseDirective(valueToken) ?? context.readLiteral(valueToken);
    } else if (valueToken.kind === "macro") {
      context.next();
      value = context.literal(valueToken, valueToken, valueToken.raw);
    }
    if (!value) {
      context.report(
        "error",
        "spl-missing-value",
        `Comparison ${fieldToken.raw}${operator.raw} has no value; quote an empty value as "".`,
        fieldToken.start,
        operator.end,
      );
      value = {
        type: "literal",
        raw: "",
        value: "",
        quoted: false,
        span: context.span(operator.end, operator.end),
      };
    }
    return {
      type: "comparison",
      field,
      operator: op,
      value,
      span: context.span(fieldToken.start, value.span.end),
    };
  }

  private parseIn(fieldToken: Token, open: Token): SearchExpression {
    const context = this.context;
    context.next();
    const values: (Literal | MacroCall)[] = [];
    let end = open.end;
    for (;;) {
      const token = context.peek();
      if (token.kind === "rparen") {
        context.next();
        end = token.end;
        break;
      }
      if (context.endsCommand(token)) {
        context.report(
          "error",
          "spl-unbalanced-parenthesis",
          "IN list is never closed; add ).",
          open.start,
          open.end,
        );
        break;
      }
      context.next();
      end = token.end;
      if (token.kind === "comma") continue;
      if (token.kind === "macro") {
        values.push(parseMacroCall(context, token));
        continue;
      }
      if (token.kind === "word" || token.kind === "string") {
        values.push(context.readLiteral(token));
        end = values[values.length - 1].span.end;
        continue;
      }
      context.report(
        "error",
        "spl-unexpected-token",
        `Unexpected ${token.raw} in an IN list; list values separated by commas.`,
        token.start,
        token.end,
      );
    }
    return {
      type: "in",
      field: context.literal(fieldToken, fieldToken, fieldToken.value),
      values,
      span: context.span(fieldToken.start, end),
    };
  }
}
