/**
 * Sigma value strings as token lists. A Sigma value is a case-insensitive
 * pattern where `*` and `?` are wildcards and a backslash escapes only `*`,
 * `?` and itself; any other backslash is literal. Modifiers such as
 * `contains` add wildcard tokens around the value, so values are built as
 * tokens first and rendered last, which keeps a trailing backslash from
 * escaping an added wildcard.
 */
export type ValueToken =
  { type: "text"; text: string } | { type: "any" } | { type: "one" };

/** Splits a Sigma value into literal text and wildcard tokens. */
export function tokeniseValue(raw: string): ValueToken[] {
  const tokens: ValueToken[] = [];
  let text = "";
  const flush = (): void => {
    if (text !== "") tokens.push({ type: "text", text });
    text = "";
  };

  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (char === "\\") {
      const next = raw[i + 1];
      if (next === "*" || next === "?" || next === "\\") {
        text += next;
        i++;
      } else {
        text += "\\";
      }
    } else if (char === "*") {
      flush();
      tokens.push({ type: "any" });
    } else if (char === "?") {
      flush();
      tokens.push({ type: "one" });
    } else {
      text += char;
    }
  }
  flush();
  return mergeTokens(tokens);
}

/** Joins adjacent text tokens and collapses runs of `any` tokens. */
export function mergeTokens(tokens: ValueToken[]): ValueToken[] {
  const merged: ValueToken[] = [];
  for (const token of tokens) {
    const last = merged[merged.length - 1];
    if (token.type === "text" && last?.type === "text") {
      merged[merged.length - 1] = {
        type: "text",
        text: last.text + token.text,
      };
    } else if (token.type === "any" && last?.type === "any") {
      continue;
    } else {
      merged.push(token);
    }
  }
  return merged;
}

export function hasWildcards(tokens: readonly ValueToken[]): boolean {
  return tokens.some((token) => token.type !== "text");
}

/** Returns the literal text of a token list that contains no wildcards. */
export function literalText(tokens: readonly ValueToken[]): string {
  return tokens
    .map((token) => (token.type === "text" ? token.text : ""))
    .join("");
}

/**
 * Renders tokens as a wildcard pattern: `*` and `?` are wildcards, and a
 * literal `*`, `?` or a backslash written before a wildcard character is
 * escaped with a backslash, so the rendering reads back to the same tokens.
 */
export function renderPattern(tokens: readonly ValueToken[]): string {
  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === "any") out += "*";
    else if (token.type === "one") out += "?";
    else out += escapeLiteral(token.text, tokens[i + 1] !== undefined);
  }
  return out;
}

function escapeLiteral(text: string, followedByWildcard: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const next = text[i + 1];
    if (char === "*" || char === "?") out += "\\" + char;
    else if (char === "\\") {
      const beforeSpecial =
        next === "*" ||
        next === "?" ||
        next === "\\" ||
        (next === undefined && followedByWildcard);
      out += beforeSpecial ? "\\\\" : "\\";
    } else out += char;
  }
  return out;
}

/** How a token list matches, once leading and trailing `*` are read as anchors. */
export interface ValueShape {
  kind: "eq" | "contains" | "starts_with" | "ends_with" | "wildcard";
  /** Literal text for the anchored kinds, the pattern for `wildcard`. */
  value: string;
}

/**
 * Classifies a value: `*x*` is contains, `x*` starts_with, `*x` ends_with,
 * `x` eq, and anything with an inner wildcard stays a wildcard pattern.
 */
export function shapeOf(tokens: readonly ValueToken[]): ValueShape {
  const leading = tokens[0]?.type === "any";
  const trailing =
    tokens.length > 1 && tokens[tokens.length - 1].type === "any";
  const inner = tokens.slice(leading ? 1 : 0, trailing ? -1 : undefined);

  if (tokens.length === 1 && leading) return { kind: "wildcard", value: "*" };
  if (hasWildcards(inner)) {
    return { kind: "wildcard", value: renderPattern(tokens) };
  }
  const value = literalText(inner);
  if (leading && trailing) return { kind: "contains", value };
  if (leading) return { kind: "ends_with", value };
  if (trailing) return { kind: "starts_with", value };
  return { kind: "eq", value };
}
