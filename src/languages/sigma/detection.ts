import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node,
  type Pair,
  type Scalar,
  type Document,
  type YAMLMap,
} from "yaml";
import type { Diagnostic } from "../../core/diagnostic.ts";
import type { LineIndex, Span } from "../../core/span.ts";
import type {
  FieldEntry,
  SelectionBody,
  Selection,
  SigmaScalar,
  SigmaSection,
} from "./types.ts";

/**
 * How many YAML aliases a section may follow, and how deeply its lists may
 * nest. An alias may name a list of aliases, so a few lines can expand to
 * millions of values, or name the list it sits in and never end.
 */
const MAX_ALIASES = 100;
const MAX_NESTING = 20;

/** A condition string with the map from its indexes to query offsets. */
export interface ConditionSource {
  text: string;
  offsetOf: (index: number) => number;
  span: Span;
}

/**
 * One section of a Sigma query, parsed: the top-level mapping it contains
 * (`detection`, `filter` or `correlation`) and helpers that turn YAML node
 * ranges, which are relative to the section, into query spans.
 */
export class SectionReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly key?: string;
  /** Aliases followed so far; see MAX_ALIASES. */
  private aliases = 0;
  readonly map?: YAMLMap;
  readonly keySpan: Span;
  private readonly document?: Document.Parsed;

  constructor(
    readonly query: string,
    readonly section: SigmaSection,
    readonly lines: LineIndex,
  ) {
    const text = query.slice(section.start, section.end);
    this.keySpan = lines.span(section.start, section.start);
    let document: Document.Parsed;
    try {
      document = parseDocument(text, { uniqueKeys: false });
    } catch (error) {
      // The YAML parser recurses per nesting level and can exhaust the stack.
      this.diagnostics.push({
        severity: "error",
        code: "sigma-yaml",
        message: `cannot parse the YAML: ${(error as Error).message}`,
        span: this.keySpan,
      });
      return;
    }
    this.document = document;
    for (const error of document.errors) {
      this.diagnostics.push({
        severity: "error",
        code: "sigma-yaml",
        message: error.message.split("\n")[0],
        span: this.span(error.pos[0], error.pos[1]),
      });
    }
    const root = document.contents;
    if (!isMap(root) || root.items.length === 0) return;

    const pair = root.items[0] as Pair<Node, Node>;
    if (isScalar(pair.key)) {
      this.key = String(pair.key.value);
      this.keySpan = this.nodeSpan(pair.key);
    }
    if (isMap(pair.value)) this.map = pair.value;
    else {
      this.diagnostics.push({
        severity: "error",
        code: "sigma-section-not-map",
        message: `\`${this.key ?? "section"}\` must be a mapping`,
        span: this.keySpan,
      });
    }
  }

  span(start: number, end: number): Span {
    return this.lines.span(
      this.section.start + start,
      this.section.start + end,
    );
  }

  nodeSpan(node: Node): Span {
    const range = node.range ?? [0, 0, 0];
    let end = range[1];
    while (
      end > range[0] &&
      isSpace(this.query[this.section.start + end - 1])
    ) {
      end--;
    }
    return this.span(range[0], end);
  }

  /** Returns the span of `key: value`, without the line break a block value ends with. */
  pairSpan(pair: Pair<Node, Node>): Span {
    const start = pair.key?.range?.[0] ?? 0;
    let end = pair.value?.range?.[1] ?? pair.key?.range?.[1] ?? start;
    while (end > start && isSpace(this.query[this.section.start + end - 1])) {
      end--;
    }
    return this.span(start, end);
  }

  /** Returns the pairs of the section map in order, keys as strings. */
  entries(): { key: string; pair: Pair<Node, Node> }[] {
    if (!this.map) return [];
    return this.map.items.map((item) => {
      const pair = item as Pair<Node, Node>;
      const key = isScalar(pair.key)
        ? String(pair.key.value)
        : String(pair.key);
      return { key, pair };
    });
  }

  get(key: string): Pair<Node, Node> | undefined {
    return this.entries().find((entry) => entry.key === key)?.pair;
  }

  scalar(node: Scalar): SigmaScalar {
    const range = node.range ?? [0, 0, 0];
    const source = this.query.slice(
      this.section.start + range[0],
      this.section.start + range[1],
    );
    const value = node.value;
    let text: string;
    if (value === null || value === undefined) text = "";
    else if (typeof value === "number" && node.type === "PLAIN") text = source;
    else text = String(value);
    const normalised =
      value === undefined ? null : (value as string | number | boolean | null);
    return { value: normalised, text, span: this.nodeSpan(node) };
  }

  /** Reads a condition scalar or list of scalars. */
  conditions(node: Node | null | undefined): ConditionSource[] {
    if (!node) return [];
    if (isScalar(node)) return [this.condition(node)];
    if (isSeq(node)) {
      const out: ConditionSource[] = [];
      for (const item of node.items) {
        if (isScalar(item)) out.push(this.condition(item));
        else
          this.error(
            item as Node,
            "sigma-condition-type",
            "each condition in a list must be a string",
          );
      }
      return out;
    }
    this.error(
      node,
      "sigma-condition-type",
      "condition must be a string or a list of strings",
    );
    return [];
  }

  private condition(node: Scalar): ConditionSource {
    const text = node.value === null ? "" : String(node.value);
    const range = node.range ?? [0, 0, 0];
    const base = this.section.start + range[0];
    const source = this.query.slice(base, this.section.start + range[1]);
    const offsets = alignOffsets(text, source, base);
    return {
      text,
      offsetOf: (index) => offsets[Math.min(index, offsets.length - 1)],
      span: this.nodeSpan(node),
    };
  }

  /** Reads every search identifier of the map, skipping `skip` keys. */
  selections(skip: readonly string[]): Selection[] {
    const out: Selection[] = [];
    for (const { key, pair } of this.entries()) {
      if (skip.includes(key)) continue;
      const body = this.selectionBody(pair.value, pair);
      if (body) out.push({ name: key, body, span: this.pairSpan(pair) });
    }
    return out;
  }

  /**
   * Follows a YAML alias to the node its anchor names, inside the section.
   * Returns undefined once the section has used up its alias budget.
   */
  private resolve(node: Node | null | undefined): Node | null | undefined {
    if (!isAlias(node)) return node;
    if (this.aliases >= MAX_ALIASES) {
      if (this.aliases++ === MAX_ALIASES) {
        this.error(
          node,
          "sigma-yaml-aliases",
          `more than ${MAX_ALIASES} YAML aliases; write the values out instead`,
        );
      }
      return undefined;
    }
    this.aliases++;
    const target = this.document && node.resolve(this.document);
    return (target as Node | undefined) ?? node;
  }

  private selectionBody(
    aliased: Node | null | undefined,
    pair: Pair<Node, Node>,
    depth = 0,
  ): SelectionBody | undefined {
    if (this.aliases > MAX_ALIASES) return undefined;
    if (depth > MAX_NESTING) {
      this.error(
        aliased,
        "sigma-selection-nesting",
        `lists nest more than ${MAX_NESTING} levels deep`,
      );
      return undefined;
    }
    const node = this.resolve(aliased);
    if (this.aliases > MAX_ALIASES) return undefined;
    if (!node) {
      this.error(
        pair.key,
        "sigma-selection-empty",
        "search identifier has no value",
      );
      return undefined;
    }
    if (isMap(node)) {
      const entries: FieldEntry[] = [];
      for (const item of node.items) {
        const entry = this.fieldEntry(item as Pair<Node, Node>);
        if (entry) entries.push(entry);
      }
      if (node.items.length === 0)
        this.error(
          node,
          "sigma-selection-empty",
          "search identifier is an empty map",
        );
      return { type: "map", entries, span: this.nodeSpan(node) };
    }
    if (isSeq(node)) {
      const items: SelectionBody[] = [];
      for (const item of node.items) {
        if (isScalar(item)) {
          items.push(this.keyword(item as Scalar, []));
        } else {
          const body = this.selectionBody(item as Node, pair, depth + 1);
          if (body) items.push(body);
        }
      }
      if (node.items.length === 0)
        this.error(
          node,
          "sigma-selection-empty",
          "search identifier is an empty list",
        );
      return { type: "list", items, span: this.nodeSpan(node) };
    }
    if (isScalar(node)) return this.keyword(node, []);
    this.error(
      node,
      "sigma-selection-type",
      "search identifier must be a map, a list or a value",
    );
    return undefined;
  }

  private keyword(node: Scalar, modifiers: string[]): SelectionBody {
    return {
      type: "keyword",
      value: this.scalar(node),
      modifiers,
      span: this.nodeSpan(node),
    };
  }

  private fieldEntry(pair: Pair<Node, Node>): FieldEntry | undefined {
    if (!isScalar(pair.key)) {
      this.error(pair.key, "sigma-field-key", "field names must be strings");
      return undefined;
    }
    const [field, ...modifiers] = String(pair.key.value).split("|");
    const values: SigmaScalar[] = [];
    let list = false;
    const node = this.resolve(pair.value);

    if (node === null || node === undefined) {
      values.push({ value: null, text: "", span: this.nodeSpan(pair.key) });
    } else if (isScalar(node)) {
      values.push(this.scalar(node));
    } else if (isSeq(node)) {
      list = true;
      for (const aliased of node.items) {
        const item = this.resolve(aliased as Node);
        if (isScalar(item)) values.push(this.scalar(item));
        else
          this.error(
            item as Node,
            "sigma-value-type",
            `values of \`${field}\` must be scalars`,
          );
      }
    } else {
      this.error(
        node,
        "sigma-value-type",
        `value of \`${field}\` must be a scalar or a list`,
      );
      return undefined;
    }
    return { field, modifiers, list, values, span: this.pairSpan(pair) };
  }

  error(node: Node | null | undefined, code: string, message: string): void {
    this.diagnostics.push({
      severity: "error",
      code,
      message,
      span: node ? this.nodeSpan(node) : this.keySpan,
    });
  }
}

/**
 * Maps each index of a scalar's value to an offset in the query, by walking
 * the value and its source text together. Quotes, block indicators and the
 * line breaks that folding turned into spaces are skipped in the source,
 * and in a double-quoted scalar each escape such as `\u0020` maps the
 * characters it produces to its backslash.
 */
function alignOffsets(value: string, source: string, base: number): number[] {
  const offsets: number[] = [];
  const escapes = source.startsWith('"');
  let s = escapes ? 1 : 0;
  let i = 0;
  while (i < value.length) {
    if (escapes && source[s] === "\\") {
      const escape = escapeAt(source, s);
      for (let k = 0; k < escape.produces && i < value.length; k++, i++)
        offsets.push(base + s);
      s += escape.length;
      continue;
    }
    const char = value[i];
    const space = isSpace(char);
    let probe = s;
    while (
      probe < source.length &&
      !(escapes && source[probe] === "\\") &&
      !(source[probe] === char || (space && isSpace(source[probe])))
    ) {
      probe++;
    }
    const found = probe < source.length && !(escapes && source[probe] === "\\");
    if (found) s = probe;
    offsets.push(base + Math.min(s, source.length));
    if (found) s++;
    i++;
  }
  offsets.push(base + Math.min(s, source.length));
  return offsets;
}

/**
 * Reads the YAML escape at `source[at]`, a backslash: how many source
 * characters it spans and how many UTF-16 units of the value it produces.
 * An escaped line break produces nothing and swallows the next line's
 * indentation.
 */
function escapeAt(
  source: string,
  at: number,
): { length: number; produces: number } {
  const next = source[at + 1];
  if (next === "x") return { length: 4, produces: 1 };
  if (next === "u") return { length: 6, produces: 1 };
  if (next === "U") {
    const code = Number.parseInt(source.slice(at + 2, at + 10), 16);
    return { length: 10, produces: code > 0xffff ? 2 : 1 };
  }
  if (next === "\n" || next === "\r") {
    let end = at + 2;
    if (next === "\r" && source[end] === "\n") end++;
    while (source[end] === " " || source[end] === "\t") end++;
    return { length: end - at, produces: 0 };
  }
  return { length: 2, produces: 1 };
}

function isSpace(char: string): boolean {
  return char === " " || char === "\n" || char === "\t" || char === "\r";
}
