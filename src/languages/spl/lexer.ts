import type { Diagnostic } from "../../core/diagnostic.ts";
import type { LineIndex } from "../../core/span.ts";
import type { Comment } from "./ast.ts";

/**
 * The lexer's word rules. Search mode (search, tstats, most command
 * arguments) keeps `*`, `+`, `-`, `.` and `/` inside words, because
 * unquoted values such as `*\\net.exe` are one literal. Expression mode
 * (where, eval) splits at arithmetic operators and reads single quotes as
 * field names.
 */
export type LexMode = "search" | "expression";

export type TokenKind =
  | "word"
  | "string"
  | "field"
  | "operator"
  | "lparen"
  | "rparen"
  | "lbracket"
  | "rbracket"
  | "pipe"
  | "comma"
  | "macro"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** Source text of the token. */
  raw: string;
  /**
   * Unescaped text: a string without its quotes, a word with backslash
   * escapes resolved, a macro call without its backticks.
   */
  value: string;
  start: number;
  end: number;
  /** True when whitespace or a comment separates it from the previous token. */
  spaceBefore: boolean;
}

const BACKTICK = 96;
const BACKSLASH = 92;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12;
}

/** Characters that end a word in search mode. */
function endsSearchWord(code: number): boolean {
  switch (code) {
    case 34: // "
    case 40: // (
    case 41: // )
    case 91: // [
    case 93: // ]
    case 124: // |
    case 44: // ,
    case 61: // =
    case 60: // <
    case 62: // >
    case BACKTICK:
      return true;
    default:
      return isSpace(code);
  }
}

/** Characters that may appear in an expression-mode word. */
function inExpressionWord(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 || // _
    code === 46 || // .
    code === 36 || // $
    code === 64 || // @
    code === 58 || // :
    code === 123 || // {
    code === 125 || // }
    code >= 128
  );
}

/**
 * An on-demand lexer over one query. The parser requests each token in the
 * mode of the command it is reading, so one pass over the text serves both
 * search and expression syntax. Comments are collected as trivia.
 */
export class Lexer {
  private position = 0;
  /** End offset of the last token read, so command spans exclude trivia. */
  lastEnd = 0;
  private peeked: { mode: LexMode; token: Token } | undefined;
  readonly comments: Comment[] = [];
  private readonly commentStarts = new Set<number>();

  constructor(
    readonly text: string,
    private readonly lines: LineIndex,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** Offset of the next unread character, before any whitespace. */
  get offset(): number {
    return this.peeked ? this.peeked.token.start : this.position;
  }

  peek(mode: LexMode): Token {
    if (this.peeked && this.peeked.mode === mode) return this.peeked.token;
    if (this.peeked) this.position = this.peeked.token.start;
    const token = this.scan(mode);
    this.peeked = { mode, token };
    return token;
  }

  next(mode: LexMode): Token {
    const token = this.peek(mode);
    this.peeked = undefined;
    this.position = token.end;
    if (token.kind !== "eof") this.lastEnd = token.end;
    return token;
  }

  /** Moves back to an offset already read, for bounded lookahead. */
  rewind(offset: number): void {
    this.peeked = undefined;
    this.position = offset;
    this.lastEnd = Math.min(this.lastEnd, offset);
  }

  /**
   * Reads raw text up to the parenthesis that closes one already read,
   * honouring quotes, and returns it with its end offset (after the `)`).
   */
  readBalanced(): { text: string; end: number; closed: boolean } {
    if (this.peeked) this.position = this.peeked.token.start;
    this.peeked = undefined;
    const text = this.text;
    const start = this.position;
    let depth = 1;
    let i = start;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 34) {
        i = this.skipString(i);
        continue;
      }
      if (code === BACKSLASH) {
        i += 2;
        continue;
      }
      if (code === 40) depth++;
      if (code === 41) {
        depth--;
        if (depth === 0) {
          this.position = i + 1;
          this.lastEnd = i + 1;
          return { text: text.slice(start, i), end: i + 1, closed: true };
        }
      }
      i++;
    }
    this.position = text.length;
    this.lastEnd = text.length;
    return { text: text.slice(start), end: text.length, closed: false };
  }

  private skipString(start: number): number {
    const text = this.text;
    let i = start + 1;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === BACKSLASH) i += 2;
      else if (code === 34) return i + 1;
      else i++;
    }
    return text.length;
  }

  private error(code: string, message: string, start: number, end: number) {
    this.diagnostics.push({
      severity: "error",
      code,
      message,
      span: this.lines.span(start, end),
    });
  }

  /** Skips whitespace and comments; returns true if any were skipped. */
  private skipTrivia(): boolean {
    const text = this.text;
    const begin = this.position;
    while (this.position < text.length) {
      const code = text.charCodeAt(this.position);
      if (isSpace(code)) {
        this.position++;
        continue;
      }
      if (code === BACKTICK && text.startsWith("```", this.position)) {
        this.readComment();
        continue;
      }
      break;
    }
    return this.position > begin;
  }

  private readComment(): void {
    const start = this.position;
    const close = this.text.indexOf("```", start + 3);
    const end = close === -1 ? this.text.length : close + 3;
    if (!this.commentStarts.has(start)) {
      this.commentStarts.add(start);
      if (close === -1) {
        this.error(
          "spl-unterminated-comment",
          "Comment opened with ``` is never closed; add ``` where it ends.",
          start,
          end,
        );
      }
      this.comments.push({
        type: "comment",
        text: this.text.slice(start + 3, close === -1 ? end : close),
        span: this.lines.span(start, end),
      });
    }
    this.position = end;
  }

  private scan(mode: LexMode): Token {
    const spaceBefore = this.skipTrivia() || this.position === 0;
    const text = this.text;
    const start = this.position;
    const make = (kind: TokenKind, end: number, value?: string): Token => ({
      kind,
      raw: text.slice(start, end),
      value: value ?? text.slice(start, end),
      start,
      end,
      spaceBefore,
    });
    if (start >= text.length) return make("eof", start, "");

    const code = text.charCodeAt(start);
    switch (code) {
      case 40:
        return make("lparen", start + 1);
      case 41:
        return make("rparen", start + 1);
      case 91:
        return make("lbracket", start + 1);
      case 93:
        return make("rbracket", start + 1);
      case 124:
        return make("pipe", start + 1);
      case 44:
        return make("comma", start + 1);
      case 34:
        return this.scanQuoted(start, 34, "string", make);
      case BACKTICK:
        return this.scanMacro(start, make);
    }
    if (mode === "expression" && code === 39) {
      return this.scanQuoted(start, 39, "field", make);
    }
    if (mode === "expression" && code === BACKSLASH) {
      // `\"` often leaks in from YAML escaping; it never opens a string.
      const end = Math.min(start + 2, text.length);
      this.error(
        "spl-backslash-outside-string",
        `${text.slice(start, end)} outside a string is not valid in an eval expression; strings are delimited by a plain ".`,
        start,
        end,
      );
      return make("word", end);
    }

    const template = this.scanTemplate(start);
    if (template > start) {
      return mode === "search"
        ? this.scanSearchWord(start, make, template)
        : make("word", template);
    }

    const operator = this.scanOperator(start, mode);
    if (operator > start) return make("operator", operator);

    return mode === "search"
      ? this.scanSearchWord(start, make)
      : this.scanExpressionWord(start, make);
  }

  /**
   * Returns the end of a `foreach` template placeholder such as `<<FIELD>>`
   * at `start`, or `start` if there is none.
   */
  private scanTemplate(start: number): number {
    const text = this.text;
    if (!text.startsWith("<<", start)) return start;
    let i = start + 2;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      const isName = (code >= 65 && code <= 90) || code === 95;
      if (!isName) break;
      i++;
    }
    if (i === start + 2 || !text.startsWith(">>", i)) return start;
    return i + 2;
  }

  /** Returns the end of an operator at `start`, or `start` if there is none. */
  private scanOperator(start: number, mode: LexMode): number {
    const text = this.text;
    const code = text.charCodeAt(start);
    const following = text.charCodeAt(start + 1);
    if (code === 61) return following === 61 ? start + 2 : start + 1; // = ==
    if (code === 60 || code === 62) {
      return following === 61 ? start + 2 : start + 1; // < <= > >=
    }
    if (code === 33 && following === 61) return start + 2; // !=
    if (mode === "search") return start;
    if (code === 33) return start + 1; // !
    if (
      code === 43 ||
      code === 45 ||
      code === 42 ||
      code === 47 ||
      code === 37
    ) {
      return start + 1; // + - * / %
    }
    // A dot that starts a token is concatenation, unless it starts a number.
    if (code === 46 && !(following >= 48 && following <= 57)) return start + 1;
    return start;
  }

  private scanSearchWord(
    start: number,
    make: (kind: TokenKind, end: number, value?: string) => Token,
    from = start,
  ): Token {
    const text = this.text;
    let i = from;
    let value = "";
    let chunk = start;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === BACKSLASH && i + 1 < text.length) {
        // A backslash makes a quote, a backslash or a breaker literal. Before
        // any other character, `*` included, it stays a backslash: Splunk
        // cannot escape a wildcard.
        const escaped = text.charCodeAt(i + 1);
        if (escaped === BACKSLASH || endsSearchWord(escaped)) {
          value += text.slice(chunk, i);
          chunk = i + 1;
        }
        i += 2;
        continue;
      }
      if (code === 33 && text.charCodeAt(i + 1) === 61) break;
      if (code === 60 && this.scanTemplate(i) > i) {
        i = this.scanTemplate(i);
        continue;
      }
      if (endsSearchWord(code)) break;
      i++;
    }
    if (i === start) i = start + 1;
    value += text.slice(chunk, i);
    return make("word", i, value);
  }

  private scanExpressionWord(
    start: number,
    make: (kind: TokenKind, end: number, value?: string) => Token,
  ): Token {
    const text = this.text;
    let i = start;
    while (i < text.length && inExpressionWord(text.charCodeAt(i))) {
      // A dot before a non-word character is concatenation: `name.", "`.
      const isDot = text.charCodeAt(i) === 46;
      if (isDot && !inExpressionWord(text.charCodeAt(i + 1))) break;
      i++;
    }
    if (i === start) i = start + 1;
    return make("word", i);
  }

  private scanQuoted(
    start: number,
    quote: number,
    kind: TokenKind,
    make: (kind: TokenKind, end: number, value?: string) => Token,
  ): Token {
    const text = this.text;
    let i = start + 1;
    let value = "";
    let chunk = i;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === BACKSLASH && i + 1 < text.length) {
        const escaped = text.charCodeAt(i + 1);
        value += text.slice(chunk, i);
        // `\"` and `\\` are escapes; before other characters the backslash
        // is literal, and `\*` stays a backslash followed by a wildcard.
        if (escaped === quote || escaped === BACKSLASH) {
          value += text[i + 1];
        } else {
          value += text.slice(i, i + 2);
        }
        i += 2;
        chunk = i;
        continue;
      }
      if (code === quote) {
        value += text.slice(chunk, i);
        return make(kind, i + 1, value);
      }
      i++;
    }
    value += text.slice(chunk);
    const what = quote === 34 ? "String" : "Quoted field name";
    this.error(
      "spl-unterminated-string",
      `${what} opened here is never closed; add the closing quote.`,
      start,
      text.length,
    );
    return make(kind, text.length, value);
  }

  private scanMacro(
    start: number,
    make: (kind: TokenKind, end: number, value?: string) => Token,
  ): Token {
    const text = this.text;
    const close = text.indexOf("`", start + 1);
    if (close === -1) {
      this.error(
        "spl-unterminated-macro",
        "Macro call opened with ` is never closed; add the closing backtick.",
        start,
        text.length,
      );
      return make("macro", text.length, text.slice(start + 1));
    }
    return make("macro", close + 1, text.slice(start + 1, close));
  }
}
