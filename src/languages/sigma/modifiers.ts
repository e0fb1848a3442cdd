import { isIP } from "node:net";
import type { PredicateKind } from "../../analysis/model.ts";
import type { Diagnostic } from "../../core/diagnostic.ts";
import type { Span } from "../../core/span.ts";
import type { FieldEntry, SigmaScalar } from "./types.ts";
import {
  mergeTokens,
  shapeOf,
  tokeniseValue,
  type ValueShape,
  type ValueToken,
} from "./values.ts";

/** A predicate before the analyser gives it a stage, role and negation. */
export interface PredicateDraft {
  field: string;
  kind: PredicateKind;
  values: string[];
  caseSensitive: boolean;
  /** True for `null` and `exists: false`: the field must be absent. */
  absent: boolean;
  /**
   * True under `neq`, which negates the whole comparison as `not` does:
   * `a|contains|neq: [x, y]` holds when `a` contains neither value.
   */
  inverted: boolean;
  modifiers: string[];
  encodings: string[];
  origin?: string;
  span: Span;
}

/** Predicates of one field entry and how they combine. */
export interface EntryPredicates {
  drafts: PredicateDraft[];
  combine: "and" | "or";
  diagnostics: Diagnostic[];
}

const TRANSFORMS = new Set(["contains", "startswith", "endswith"]);
const ENCODINGS = new Set([
  "base64",
  "base64offset",
  "utf16le",
  "utf16be",
  "utf16",
  "wide",
]);
const COMPARISONS: Record<string, PredicateKind> = {
  gt: "gt",
  gte: "ge",
  lt: "lt",
  lte: "le",
};
const TIME_PARTS = new Set(["minute", "hour", "day", "week", "month", "year"]);
const REGEX_FLAGS = new Set(["i", "m", "s"]);
const OTHERS = new Set([
  "all",
  "re",
  "cidr",
  "windash",
  "exists",
  "neq",
  "fieldref",
  "expand",
  "cased",
]);

/**
 * Dash characters `windash` permutes: hyphen-minus, slash, en dash, em dash
 * and horizontal bar, because Windows tools accept each as an option prefix.
 */
export const WINDASH_FORMS = ["-", "/", "\u2013", "\u2014", "\u2015"];

/** Applies a field entry's modifiers and returns its predicates. */
export function entryPredicates(entry: FieldEntry): EntryPredicates {
  const diagnostics: Diagnostic[] = [];
  const modifiers = entry.modifiers.map((modifier) => modifier.toLowerCase());
  const report = (message: string, code: string, span = entry.span): void => {
    diagnostics.push({ severity: "error", code, message, span });
  };
  const warn = (message: string, code: string): void => {
    diagnostics.push({ severity: "warning", code, message, span: entry.span });
  };

  const afterRegex = modifiers.indexOf("re");
  for (const [index, modifier] of modifiers.entries()) {
    const known =
      TRANSFORMS.has(modifier) ||
      ENCODINGS.has(modifier) ||
      modifier in COMPARISONS ||
      TIME_PARTS.has(modifier) ||
      OTHERS.has(modifier) ||
      (REGEX_FLAGS.has(modifier) && afterRegex >= 0 && index > afterRegex);
    if (!known)
      report(
        `unknown modifier \`${modifier}\` on \`${entry.field}\``,
        "sigma-modifier-unknown",
      );
    else if (entry.modifiers[index] !== modifier)
      warn(
        `modifier \`${entry.modifiers[index]}\` on \`${entry.field}\` is read as \`${modifier}\`; Sigma modifiers are lower case`,
        "sigma-modifier-case",
      );
  }

  const has = (name: string): boolean => modifiers.includes(name);
  const all = has("all");
  if (all && !entry.list) {
    diagnostics.push({
      severity: "warning",
      code: "sigma-modifier-all-single",
      message: `\`all\` on \`${entry.field}\` has a single value, so it changes nothing`,
      span: entry.span,
    });
  }

  if (entry.list && entry.values.length === 0) {
    warn(
      `\`${entry.field}\` has an empty value list, read as \`null\` (the field is absent) as pySigma reads it; write \`null\` if that is meant`,
      "sigma-value-list-empty",
    );
  }
  if (has("re")) {
    const ignored = modifiers.filter(
      (modifier) =>
        TRANSFORMS.has(modifier) ||
        ENCODINGS.has(modifier) ||
        modifier === "windash" ||
        modifier === "cidr",
    );
    if (ignored.length > 0) {
      warn(
        `\`re\` on \`${entry.field}\` takes the expression as written, so \`${ignored.join("`, `")}\` has no effect; remove it`,
        "sigma-modifier-re-combined",
      );
    }
  }

  const base = {
    field: entry.field,
    modifiers,
    encodings: modifiers.filter((modifier) => ENCODINGS.has(modifier)),
    origin: has("fieldref") ? "fieldref" : undefined,
    inverted: has("neq"),
    span: entry.span,
  };
  const drafts: PredicateDraft[] = [];
  // With `all` each value is its own predicate, so it gets its own span,
  // and only the forms of one value (its windash variants) share one.
  let valueSpan = entry.span;
  let valueStart = 0;
  const add = (
    kind: PredicateKind,
    value: string | undefined,
    absent = false,
    caseSensitive = false,
  ): void => {
    const previous = drafts
      .slice(all ? valueStart : 0)
      .find((draft) => draft.kind === kind && draft.absent === absent);
    if (previous && value !== undefined) {
      previous.values.push(value);
      return;
    }
    drafts.push({
      ...base,
      span: valueSpan,
      kind,
      values: value === undefined ? [] : [value],
      caseSensitive,
      absent,
    });
  };

  for (const scalar of entry.values) {
    valueSpan = all ? scalar.span : entry.span;
    valueStart = drafts.length;
    if (has("exists")) {
      if (typeof scalar.value !== "boolean") {
        report(
          `\`exists\` on \`${entry.field}\` needs true or false`,
          "sigma-modifier-exists",
        );
        continue;
      }
      add("exists", undefined, !scalar.value);
      continue;
    }
    if (scalar.value === null) {
      if (entry.list) {
        diagnostics.push({
          severity: "warning",
          code: "sigma-null-in-list",
          message: `\`null\` inside the value list of \`${entry.field}\`; write it as its own selection`,
          span: scalar.span,
        });
      }
      add("exists", undefined, true);
      continue;
    }
    addValue(scalar, modifiers, add, report, warn);
  }

  if (entry.list && entry.values.length === 0 && !has("exists"))
    add("exists", undefined, true);
  for (const draft of drafts) sortNumbers(draft);
  return { drafts, combine: all ? "and" : "or", diagnostics };
}

type AddPredicate = (
  kind: PredicateKind,
  value: string | undefined,
  absent?: boolean,
  caseSensitive?: boolean,
) => void;

function addValue(
  scalar: SigmaScalar,
  modifiers: string[],
  add: AddPredicate,
  report: (message: string, code: string, span?: Span) => void,
  warn: (message: string, code: string) => void,
): void {
  const has = (name: string): boolean => modifiers.includes(name);
  const cased = has("cased");

  if (has("re")) {
    // A leading `(?i)` inline flag makes the pattern case-insensitive just
    // as the `i` modifier does.
    const ignoresCase = has("i") || scalar.text.startsWith("(?i)");
    add("regex", scalar.text, false, cased || !ignoresCase);
    return;
  }
  if (has("cidr")) {
    if (!isCidr(scalar.text)) {
      report(
        `\`cidr\` needs an IPv4 or IPv6 network such as 10.0.0.0/8, got \`${scalar.text}\``,
        "sigma-modifier-cidr",
        scalar.span,
      );
    }
    add("cidr", scalar.text);
    return;
  }
  const comparison = modifiers.find((modifier) => modifier in COMPARISONS);
  if (comparison) {
    if (typeof scalar.value !== "number" && Number.isNaN(Number(scalar.text))) {
      report(
        `\`${comparison}\` needs a number, got \`${scalar.text}\``,
        "sigma-modifier-number",
      );
    }
    add(COMPARISONS[comparison], scalar.text);
    return;
  }
  if (has("fieldref")) {
    const shape = shapeOf(
      transform([{ type: "text", text: scalar.text }], modifiers),
    );
    add(shape.kind, shape.value, false, cased);
    return;
  }

  const variants = has("windash")
    ? windashVariants(scalar.text)
    : [scalar.text];
  if (
    has("windash") &&
    windashPrefixes(scalar.text).length > MAX_WINDASH_PREFIXES
  ) {
    warn(
      `\`windash\` on \`${scalar.text}\` gives each of its option prefixes the same dash form; mixed forms are not listed`,
      "sigma-windash-prefixes",
    );
  }
  for (const variant of variants) {
    const tokens = transform(tokeniseValue(variant), modifiers);
    const shape = shapeOf(tokens);
    add(shape.kind, shape.value, false, cased);
  }
}

/**
 * Reads a keyword with the `contains`, `startswith` or `endswith` of a
 * `'|contains': [...]` entry. The analyser applies `re` and `windash` to
 * keywords itself.
 */
export function keywordShape(text: string, modifiers: string[]): ValueShape {
  return shapeOf(transform(tokeniseValue(text), modifiers));
}

/** Adds the wildcards `contains`, `startswith` and `endswith` imply. */
function transform(tokens: ValueToken[], modifiers: string[]): ValueToken[] {
  let out = tokens;
  if (modifiers.includes("contains"))
    out = [{ type: "any" }, ...out, { type: "any" }];
  else if (modifiers.includes("startswith")) out = [...out, { type: "any" }];
  else if (modifiers.includes("endswith")) out = [{ type: "any" }, ...out];
  return mergeTokens(out);
}

/**
 * The maximum number of option prefixes `windash` permutes. Each one multiplies the
 * variants by five, so past this a value would give thousands of them.
 */
export const MAX_WINDASH_PREFIXES = 4;

/**
 * Returns the indexes of the characters of `value` that start an option: a
 * `-` or `/` after a non-word character (or at the start) and before a word
 * character, as in ` -s`, `/c` or `"-enc`. The dash of `Invoke-Expression`
 * and a lone ` - ` do not. Indexes count code points.
 */
export function windashPrefixes(value: string): number[] {
  const chars = [...value];
  const positions: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== "-" && chars[i] !== "/") continue;
    if (isWordCharacter(chars[i - 1]) || !isWordCharacter(chars[i + 1]))
      continue;
    positions.push(i);
  }
  return positions;
}

/**
 * Returns every permutation of the `windash` forms over the option
 * prefixes of `value`, the original first: two prefixes give 25 variants.
 * Past MAX_WINDASH_PREFIXES every prefix takes the same form, which gives
 * five variants and misses mixed ones.
 */
export function windashVariants(value: string): string[] {
  const positions = windashPrefixes(value);
  if (positions.length === 0) return [value];

  const chars = [...value];
  const variants: string[] = [];
  const mixed = positions.length <= MAX_WINDASH_PREFIXES;
  const count = mixed
    ? WINDASH_FORMS.length ** positions.length
    : WINDASH_FORMS.length;
  for (let n = 0; n < count; n++) {
    // Reads n in base five, one digit per prefix, the last prefix fastest.
    let rest = n;
    for (let k = positions.length - 1; k >= 0; k--) {
      const form = mixed ? rest % WINDASH_FORMS.length : n;
      chars[positions[k]] = WINDASH_FORMS[form];
      if (mixed) rest = Math.floor(rest / WINDASH_FORMS.length);
    }
    const variant = chars.join("");
    if (!variants.includes(variant)) variants.push(variant);
  }
  const original = variants.indexOf(value);
  if (original > 0) variants.unshift(...variants.splice(original, 1));
  return variants;
}

/** Returns whether a character is a word character as regular expressions read `\w`. */
function isWordCharacter(char: string | undefined): boolean {
  return char !== undefined && /^[\p{L}\p{N}\p{M}_]$/u.test(char);
}

/** Returns whether a value is an IP network, or an address read as a one-address network. */
function isCidr(value: string): boolean {
  const slash = value.indexOf("/");
  const address = slash < 0 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return false;
  if (slash < 0) return true;
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

function sortNumbers(draft: PredicateDraft): void {
  if (draft.values.length < 2) return;
  const numeric = draft.values.every((value) => /^-?\d+(\.\d+)?$/.test(value));
  if (draft.kind === "eq") draft.kind = "in";
  if (numeric && draft.kind === "in") {
    draft.values.sort((a, b) => Number(a) - Number(b));
  }
}
