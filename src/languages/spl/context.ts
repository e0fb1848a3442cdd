import type { Diagnostic } from "../../core/diagnostic.ts";
import { LineIndex, type Span } from "../../core/span.ts";
import type { Literal, Pipeline } from "./ast.ts";
import { Lexer, type LexMode, type Token } from "./lexer.ts";

/**
 * Deepest nesting of parentheses, NOT operators and subsearches the parser
 * follows. Real rules stay far below it; past it the parser reports
 * `spl-nesting-too-deep` and skips the rest of the query, which keeps the
 * recursion bounded on hostile input.
 */
export const MAX_NESTING_DEPTH = 500;

/** State shared by the pipeline, command and expression parsers. */
export class ParseContext {
  readonly lines: LineIndex;
  readonly lexer: Lexer;
  readonly diagnostics: Diagnostic[] = [];
  /** Open subsearch brackets around the current command. */
  subsearchDepth = 0;
  private depth = 0;
  /** Set once the nesting limit was hit; later errors would only repeat it. */
  abandoned = false;
  /** Parses a nested pipeline; set by the pipeline parser. */
  parsePipeline!: (inSubsearch: boolean) => Pipeline;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
    this.lexer = new Lexer(text, this.lines, this.diagnostics);
  }

  span(start: number, end: number): Span {
    return this.lines.span(start, end);
  }

  report(
    severity: Diagnostic["severity"],
    code: string,
    message: string,
    start: number,
    end: number,
  ): void {
    if (this.abandoned && severity === "error") return;
    this.diagnostics.push({
      severity,
      code,
      message,
      span: this.span(start, end),
    });
  }

  peek(mode: LexMode = "search"): Token {
    return this.lexer.peek(mode);
  }

  next(mode: LexMode = "search"): Token {
    return this.lexer.next(mode);
  }

  /** True for a token that ends the current command: `|`, the end, or `]`. */
  endsCommand(token: Token): boolean {
    return (
      token.kind === "pipe" ||
      token.kind === "eof" ||
      (token.kind === "rbracket" && this.subsearchDepth > 0)
    );
  }

  /**
   * Enters one nesting level. Returns false, after reporting once and
   * skipping to the end of the query, when the limit is passed.
   */
  enter(start: number): boolean {
    if (this.abandoned) return false;
    if (this.depth >= MAX_NESTING_DEPTH) {
      this.report(
        "error",
        "spl-nesting-too-deep",
        `Nesting deeper than ${MAX_NESTING_DEPTH} levels of parentheses, NOT or subsearches; the rest of the query was not parsed.`,
        start,
        this.text.length,
      );
      this.abandoned = true;
      this.lexer.rewind(this.text.length);
      return false;
    }
    this.depth++;
    return true;
  }

  leave(): void {
    this.depth--;
  }

  /** Builds a literal from tokens read one after another. */
  literal(first: Token, last: Token, value: string): Literal {
    return {
      type: "literal",
      raw: this.text.slice(first.start, last.end),
      value,
      quoted: first.kind === "string" && first === last,
      span: this.span(first.start, last.end),
    };
  }

  /**
   * Reads a literal starting with `first`, gluing on the words and `=`
   * signs that follow without whitespace, as in `url=http://x/?a=b`.
   */
  readLiteral(first: Token): Literal {
    let last = first;
    let value = first.value;
    if (first.kind === "word") {
      for (;;) {
        const token = this.peek("search");
        if (token.spaceBefore) break;
        if (token.kind === "lparen") {
          // An empty pair of parentheses inside a word, as in
          // `*GetCurrent()*`, is part of the value, not a group.
          this.next("search");
          const close = this.peek("search");
          if (close.kind !== "rparen" || close.spaceBefore) {
            this.lexer.rewind(token.start);
            break;
          }
          this.next("search");
          value += "()";
          last = close;
          continue;
        }
        const glues =
          token.kind === "word" ||
          (token.kind === "operator" && token.value === "=");
        if (!glues) break;
        this.next("search");
        value += token.value;
        last = token;
      }
    }
    return this.literal(first, last, value);
  }
}

/**
 * Splits argument text at top-level commas, honouring quotes and
 * parentheses, and trims each part.
 */
export function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") {
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (quoted) continue;
    if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "," && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== "" || parts.length > 0) parts.push(last);
  return parts;
}
