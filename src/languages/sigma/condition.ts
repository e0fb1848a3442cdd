import type { Diagnostic } from "../../core/diagnostic.ts";
import type { LineIndex, Span } from "../../core/span.ts";

/**
 * A parsed Sigma condition. Precedence, loosest first: `or`, `and`, `not`,
 * `x of`, parentheses. Spans refer to the text given to `parseCondition`.
 */
export type ConditionNode =
  | { type: "or" | "and"; children: ConditionNode[]; span: Span }
  | { type: "not"; operand: ConditionNode; span: Span }
  | { type: "identifier"; name: string; span: Span }
  | {
      type: "of";
      quantifier: "one" | "all";
      /** A glob pattern over identifiers, or `them`. */
      target: string;
      span: Span;
    };

/**
 * The obsolete Sigma 1 aggregation after a pipe, such as
 * `selection | count(dst_port) by src_ip > 10`; correlation rules replace it.
 */
export interface ConditionAggregation {
  function: string;
  field?: string;
  groupBy?: string;
  operator: string;
  value: string;
  text: string;
  span: Span;
}

export interface ParsedCondition {
  expression?: ConditionNode;
  aggregation?: ConditionAggregation;
}

interface Token {
  kind: "word" | "(" | ")" | "|" | "end";
  text: string;
  start: number;
  end: number;
}

const KEYWORDS = new Set(["and", "or", "not", "of", "them", "all", "1", "any"]);

/**
 * The maximum nesting of parentheses and `not`s. The parser and the
 * analysis recurse once per level, so a hostile condition could otherwise
 * exhaust the stack. Rules in SigmaHQ nest a few levels.
 */
export const MAX_CONDITION_DEPTH = 100;

/**
 * Parses one condition string. `offsetOf` maps an index in `text` to an
 * offset in the text that `lines` indexes, because the YAML source of a
 * folded or quoted scalar differs from its value.
 */
export function parseCondition(
  text: string,
  lines: LineIndex,
  offsetOf: (index: number) => number,
): { value: ParsedCondition; diagnostics: Diagnostic[] } {
  const parser = new ConditionParser(text, lines, offsetOf);
  return parser.parse();
}

class ConditionParser {
  private readonly tokens: Token[];
  private position = 0;
  private depth = 0;
  /** Set once the condition nests too deeply; the parser then stops reporting. */
  private abandoned = false;
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
    private readonly offsetOf: (index: number) => number,
  ) {
    this.tokens = tokenise(text);
  }

  parse(): { value: ParsedCondition; diagnostics: Diagnostic[] } {
    const value: ParsedCondition = {};
    if (this.peek().kind === "end") {
      this.error(
        0,
        this.text.length,
        "sigma-condition-empty",
        "condition is empty",
      );
      return { value, diagnostics: this.diagnostics };
    }

    value.expression = this.parseOr();
    const next = this.peek();
    if (next.kind === "|") {
      value.aggregation = this.parseAggregation(next);
    } else if (next.kind !== "end") {
      const lower = next.text.toLowerCase();
      const operator = lower === "and" || lower === "or" || lower === "not";
      const message = operator
        ? `Sigma operators are lower case: write \`${lower}\``
        : `unexpected \`${next.text}\` in condition; join parts with \`and\` or \`or\``;
      const code = operator
        ? "sigma-condition-operator-case"
        : "sigma-condition-unexpected";
      this.error(next.start, next.end, code, message);
    }
    return { value, diagnostics: this.diagnostics };
  }

  private parseOr(): ConditionNode {
    return this.parseBinary("or", () => this.parseAnd());
  }

  private parseAnd(): ConditionNode {
    return this.parseBinary("and", () => this.parseNot());
  }

  private parseBinary(
    operator: "or" | "and",
    operand: () => ConditionNode,
  ): ConditionNode {
    const children = [operand()];
    while (this.isWord(operator)) {
      this.position++;
      children.push(operand());
    }
    if (children.length === 1) return children[0];
    const first = children[0].span;
    const last = children[children.length - 1].span;
    return { type: operator, children, span: this.spanOf(first, last) };
  }

  private parseNot(): ConditionNode {
    const token = this.peek();
    if (this.isWord("not")) {
      if (!this.enter()) return this.abandon(token);
      this.position++;
      const operand = this.parseNot();
      this.depth--;
      const start = this.lines.span(
        this.offsetOf(token.start),
        operand.span.end,
      );
      return { type: "not", operand, span: start };
    }
    return this.parseOf();
  }

  /** Counts one more nesting level; false when that is one too many. */
  private enter(): boolean {
    if (this.depth >= MAX_CONDITION_DEPTH) return false;
    this.depth++;
    return true;
  }

  /** Reports a condition that nests too deeply and skips the rest of it. */
  private abandon(token: Token): ConditionNode {
    if (!this.abandoned) {
      this.error(
        token.start,
        token.end,
        "sigma-condition-depth",
        `condition nests parentheses and \`not\` more than ${MAX_CONDITION_DEPTH} levels deep`,
      );
      this.abandoned = true;
    }
    this.position = this.tokens.length - 1;
    return {
      type: "identifier",
      name: "",
      span: this.tokenSpan(token.start, token.end),
    };
  }

  private parseOf(): ConditionNode {
    const token = this.peek();
    const following = this.tokens[this.position + 1];
    const isQuantifier =
      token.kind === "word" &&
      (token.text === "1" || token.text === "all" || token.text === "any") &&
      following?.kind === "word" &&
      following.text === "of";
    if (!isQuantifier) return this.parsePrimary();

    this.position += 2;
    const target = this.peek();
    if (
      target.kind !== "word" ||
      (KEYWORDS.has(target.text) && target.text !== "them")
    ) {
      this.error(
        token.start,
        following.end,
        "sigma-condition-of-target",
        `\`${token.text} of\` needs an identifier pattern or \`them\``,
      );
      return this.placeholder(token, following);
    }
    this.position++;
    if (token.text === "any") {
      this.warning(
        token.start,
        token.end,
        "sigma-condition-any-of",
        "`any of` is not in the Sigma specification; write `1 of`",
      );
    }
    return {
      type: "of",
      quantifier: token.text === "all" ? "all" : "one",
      target: target.text,
      span: this.tokenSpan(token.start, target.end),
    };
  }

  private parsePrimary(): ConditionNode {
    const token = this.peek();
    if (token.kind === "(") {
      if (!this.enter()) return this.abandon(token);
      this.position++;
      const inner = this.parseOr();
      this.depth--;
      const close = this.peek();
      if (close.kind !== ")") {
        this.error(
          token.start,
          token.end,
          "sigma-condition-parenthesis",
          "missing `)` for this `(`",
        );
        return inner;
      }
      this.position++;
      return { ...inner, span: this.tokenSpan(token.start, close.end) };
    }

    if (token.kind === "word" && !KEYWORDS.has(token.text)) {
      this.position++;
      const upper = token.text.toUpperCase();
      if (upper === "AND" || upper === "OR" || upper === "NOT") {
        this.error(
          token.start,
          token.end,
          "sigma-condition-operator-case",
          `Sigma operators are lower case: write \`${token.text.toLowerCase()}\``,
        );
      }
      return {
        type: "identifier",
        name: token.text,
        span: this.tokenSpan(token.start, token.end),
      };
    }

    const found =
      token.kind === "end" ? "end of condition" : `\`${token.text}\``;
    this.error(
      token.start,
      Math.max(token.end, token.start),
      "sigma-condition-expected-operand",
      `expected an identifier, \`not\`, \`1 of\`, \`all of\` or \`(\` but found ${found}`,
    );
    if (token.kind !== "end") this.position++;
    return {
      type: "identifier",
      name: "",
      span: this.tokenSpan(token.start, token.end),
    };
  }

  private parseAggregation(pipe: Token): ConditionAggregation | undefined {
    this.position = this.tokens.length - 1;
    const tail = this.text.slice(pipe.end);
    const parsed = parseAggregationText(tail);
    const span = this.tokenSpan(pipe.start, this.text.length);
    if (!parsed) {
      this.error(
        pipe.start,
        this.text.length,
        "sigma-condition-aggregation",
        "cannot read the aggregation after `|`; write it as a correlation rule",
      );
      return undefined;
    }
    this.warning(
      pipe.start,
      this.text.length,
      "sigma-condition-aggregation-obsolete",
      "aggregations after `|` are obsolete Sigma 1 syntax; correlation rules replace them",
    );
    return { ...parsed, text: tail.trim(), span };
  }

  private placeholder(from: Token, to: Token): ConditionNode {
    return {
      type: "identifier",
      name: "",
      span: this.tokenSpan(from.start, to.end),
    };
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private isWord(text: string): boolean {
    const token = this.peek();
    return token.kind === "word" && token.text === text;
  }

  private tokenSpan(start: number, end: number): Span {
    return this.lines.span(this.offsetOf(start), this.offsetOf(end));
  }

  private spanOf(first: Span, last: Span): Span {
    return this.lines.span(first.start, last.end);
  }

  private error(
    start: number,
    end: number,
    code: string,
    message: string,
  ): void {
    this.report("error", start, end, code, message);
  }

  private warning(
    start: number,
    end: number,
    code: string,
    message: string,
  ): void {
    this.report("warning", start, end, code, message);
  }

  private report(
    severity: "error" | "warning",
    start: number,
    end: number,
    code: string,
    message: string,
  ): void {
    if (this.abandoned) return;
    this.diagnostics.push({
      severity,
      code,
      message,
      span: this.tokenSpan(start, end),
    });
  }
}

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === " " || char === "\t" || char === "\n" || char === "\r") {
      i++;
    } else if (char === "(" || char === ")" || char === "|") {
      tokens.push({ kind: char, text: char, start: i, end: i + 1 });
      i++;
    } else {
      const start = i;
      while (i < text.length && !" \t\n\r()|".includes(text[i])) i++;
      tokens.push({ kind: "word", text: text.slice(start, i), start, end: i });
    }
  }
  tokens.push({ kind: "end", text: "", start: text.length, end: text.length });
  return tokens;
}

const COMPARISONS = [">=", "<=", "==", ">", "<", "="];

/** Reads `count(field) by group > 10`; returns undefined when it does not fit. */
function parseAggregationText(
  text: string,
): Omit<ConditionAggregation, "text" | "span"> | undefined {
  let rest = text.trim();
  const open = rest.indexOf("(");
  const close = rest.indexOf(")");
  if (open <= 0 || close < open) return undefined;
  const fn = rest.slice(0, open).trim();
  const field = rest.slice(open + 1, close).trim();
  rest = rest.slice(close + 1).trim();

  let groupBy: string | undefined;
  if (rest.startsWith("by ")) {
    rest = rest.slice(3).trim();
    const end = rest.search(/[<>=]/);
    if (end < 0) return undefined;
    groupBy = rest.slice(0, end).trim();
    rest = rest.slice(end);
  }
  const operator = COMPARISONS.find((candidate) => rest.startsWith(candidate));
  if (!operator) return undefined;
  const value = rest.slice(operator.length).trim();
  if (value === "") return undefined;
  return { function: fn, field: field || undefined, groupBy, operator, value };
}
