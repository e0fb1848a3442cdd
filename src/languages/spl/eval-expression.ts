import type { EvalExpression } from "./ast.ts";
import type { ParseContext } from "./context.ts";
import type { Token } from "./lexer.ts";
import { parseMacroCall } from "./search-expression.ts";

/**
 * Parses an eval expression, as `where` and `eval` take it. Splunk
 * evaluates NOT, then AND, then OR, then XOR here, the opposite of search.
 * Unlike search, where and eval accept keyword operators in any case. Returns undefined when no
 * expression starts at the current token.
 */
export function parseEvalExpression(
  context: ParseContext,
): EvalExpression | undefined {
  return new EvalParser(context).parseBinaryLevel(0);
}

/** Binary operator levels from loosest to tightest. */
const LEVELS: readonly (readonly string[])[] = [
  ["XOR"],
  ["OR"],
  ["AND"],
  ["=", "==", "!=", "<", "<=", ">", ">=", "LIKE"],
  ["+", "-", "."],
  ["*", "/", "%"],
];

const KEYWORD_OPERATORS = new Set(["XOR", "OR", "AND", "LIKE"]);

class EvalParser {
  private groupDepth = 0;

  constructor(private readonly context: ParseContext) {}

  private operatorAt(token: Token, level: number): string | undefined {
    const candidates = LEVELS[level];
    if (token.kind === "operator" && candidates.includes(token.value)) {
      return token.value;
    }
    const keyword = token.value.toUpperCase();
    if (
      token.kind === "word" &&
      KEYWORD_OPERATORS.has(keyword) &&
      candidates.includes(keyword)
    ) {
      return keyword;
    }
    return undefined;
  }

  parseBinaryLevel(level: number): EvalExpression | undefined {
    if (level === LEVELS.length) return this.parseUnary();
    const context = this.context;
    let left = this.parseBinaryLevel(level + 1);
    if (!left) return undefined;
    for (;;) {
      const token = context.peek("expression");
      if (level === 3) {
        const list = this.parseInOperator(left);
        if (list) {
          left = list;
          continue;
        }
      }
      const operator = this.operatorAt(token, level);
      if (!operator) return left;
      context.next("expression");
      const right = this.parseBinaryLevel(level + 1);
      if (!right) {
        context.report(
          "error",
          "spl-missing-operand",
          `${token.raw} has no expression on its right.`,
          token.start,
          token.end,
        );
        return left;
      }
      left = {
        type: "binary",
        operator: operator === "==" ? "=" : operator,
        left,
        right,
        span: context.span(left.span.start, right.span.end),
      };
    }
  }

  /** Reads `x IN (...)` or `x NOT IN (...)` after `x`. */
  private parseInOperator(operand: EvalExpression): EvalExpression | undefined {
    const context = this.context;
    const first = context.peek("expression");
    if (first.kind !== "word") return undefined;
    let negated = false;
    if (first.value.toUpperCase() === "NOT") {
      context.next("expression");
      const second = context.peek("expression");
      if (second.kind !== "word" || second.value.toUpperCase() !== "IN") {
        context.lexer.rewind(first.start);
        return undefined;
      }
      negated = true;
    } else if (first.value.toUpperCase() !== "IN") {
      return undefined;
    }
    context.next("expression");
    const open = context.peek("expression");
    if (open.kind !== "lparen") {
      context.lexer.rewind(first.start);
      return undefined;
    }
    context.next("expression");
    const values = this.parseArgumentList();
    const end = values.end;
    return {
      type: "in",
      operand,
      values: values.items,
      negated,
      span: context.span(operand.span.start, end),
    };
  }

  private parseUnary(): EvalExpression | undefined {
    const context = this.context;
    const token = context.peek("expression");
    const isNot =
      (token.kind === "word" && token.value.toUpperCase() === "NOT") ||
      (token.kind === "operator" &&
        (token.value === "!" || token.value === "-"));
    if (!isNot) return this.parsePrimary();
    context.next("expression");
    if (!context.enter(token.start)) return undefined;
    const operand =
      token.value === "-" ? this.parseUnary() : this.parseBinaryLevel(3);
    context.leave();
    if (!operand) {
      context.report(
        "error",
        "spl-missing-operand",
        `${token.raw} has no expression after it.`,
        token.start,
        token.end,
      );
      return { type: "error", span: context.span(token.start, token.end) };
    }
    return {
      type: "unary",
      // where accepts `not` in any case, and the analysis reads `NOT`.
      operator: token.kind === "word" ? "NOT" : token.value,
      operand,
      span: context.span(token.start, operand.span.end),
    };
  }

  private parsePrimary(): EvalExpression | undefined {
    const context = this.context;
    const token = context.peek("expression");
    const span = context.span(token.start, token.end);
    switch (token.kind) {
      case "lparen":
        return this.parseGroup(token);
      case "string":
        context.next("expression");
        return { type: "string", value: token.value, span };
      case "field":
        context.next("expression");
        return { type: "field", name: token.value, span };
      case "macro":
        context.next("expression");
        return parseMacroCall(context, token);
      case "word": {
        context.next("expression");
        const open = context.peek("expression");
        if (open.kind === "lparen") {
          context.next("expression");
          const list = this.parseArgumentList();
          return {
            type: "call",
            name: token.value,
            arguments: list.items,
            span: context.span(token.start, list.end),
          };
        }
        if (/^[0-9]/.test(token.value)) {
          return { type: "number", value: token.value, span };
        }
        return { type: "field", name: token.value, span };
      }
      default:
        return undefined;
    }
  }

  private parseGroup(open: Token): EvalExpression | undefined {
    const context = this.context;
    if (!context.enter(open.start)) return undefined;
    context.next("expression");
    this.groupDepth++;
    const inner = this.parseBinaryLevel(0);
    this.groupDepth--;
    context.leave();
    const close = context.peek("expression");
    let end = open.end;
    if (close.kind === "rparen") {
      context.next("expression");
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
    const span = context.span(open.start, end);
    if (!inner) return { type: "error", span };
    return { type: "group", expression: inner, span };
  }

  /** Reads comma-separated expressions up to `)`, after `(` was read. */
  private parseArgumentList(): { items: EvalExpression[]; end: number } {
    const context = this.context;
    const items: EvalExpression[] = [];
    const openStart = context.lexer.offset - 1;
    if (!context.enter(openStart)) return { items, end: context.text.length };
    // End of what the list has read so far; an unclosed list ends there,
    // not at the pipe or bracket that stopped it.
    let end = openStart + 1;
    try {
      for (;;) {
        const token = context.peek("expression");
        if (token.kind === "rparen") {
          context.next("expression");
          return { items, end: token.end };
        }
        if (token.kind === "comma") {
          context.next("expression");
          end = token.end;
          continue;
        }
        if (context.endsCommand(token)) {
          context.report(
            "error",
            "spl-unbalanced-parenthesis",
            "Argument list is never closed; add ).",
            openStart,
            openStart + 1,
          );
          return { items, end };
        }
        const item = this.parseBinaryLevel(0);
        if (item) {
          items.push(item);
          end = item.span.end;
          continue;
        }
        context.next("expression");
        end = token.end;
        context.report(
          "error",
          "spl-unexpected-token",
          `Unexpected ${token.raw} in an argument list.`,
          token.start,
          token.end,
        );
      }
    } finally {
      context.leave();
    }
  }
}
