import type { PredicateKind } from "../../analysis/model.ts";

/**
 * Fields that choose which events a search reads (Splunk's default fields
 * index, sourcetype, source, and the eventtype and splunk_server selectors)
 * rather than what it looks for in an event.
 */
export const DATA_SELECTION_FIELDS: ReadonlySet<string> = new Set([
  "index",
  "sourcetype",
  "source",
  "eventtype",
  "splunk_server",
]);

/**
 * Classifies a search value written after `=`. Every `*` is a wildcard,
 * even inside quotes or after a backslash, because SPL search cannot
 * escape it. `*` alone means the field exists; `*x*`, `x*` and `*x` are
 * contains, starts_with and ends_with; other patterns are wildcard.
 */
export function classifyEquality(value: string): PredicateKind {
  if (value === "*") return "exists";
  const stars = countStars(value);
  if (stars === 0) return isCidr(value) ? "cidr" : "eq";
  if (
    stars === 2 &&
    value.length > 2 &&
    value.startsWith("*") &&
    value.endsWith("*")
  ) {
    return "contains";
  }
  if (stars === 1 && value.endsWith("*")) return "starts_with";
  if (stars === 1 && value.startsWith("*")) return "ends_with";
  return "wildcard";
}

/**
 * Returns the text a contains, starts_with or ends_with pattern looks for,
 * without the stars its kind already states, so `*x*` is stored as `x` as
 * Sigma's `|contains: x` is. Other kinds keep the value as written.
 */
export function patternNeedle(kind: PredicateKind, value: string): string {
  switch (kind) {
    case "contains":
      return value.slice(1, -1);
    case "starts_with":
      return value.slice(0, -1);
    case "ends_with":
      return value.slice(1);
    default:
      return value;
  }
}

function countStars(value: string): number {
  let count = 0;
  for (const char of value) if (char === "*") count++;
  return count;
}

/** True for an IPv4 or IPv6 network in CIDR notation, such as `10.0.0.0/8`. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf("/");
  if (slash === -1) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return Number(prefix) <= 32;
  return /^[0-9a-fA-F:]+$/.test(address) && address.includes(":");
}

export function isNumber(value: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(value);
}

/** Sorts values as numbers when every value is one; keeps order otherwise. */
export function sortValues(values: string[]): string[] {
  if (values.length < 2 || !values.every(isNumber)) return values;
  return [...values].sort((a, b) => Number(a) - Number(b));
}

/**
 * Converts a `like()` pattern to the `*`/`?` wildcard form predicates use:
 * `%` matches any run of characters and `_` one character.
 */
export function likeToWildcard(pattern: string): string {
  let result = "";
  for (const char of pattern) {
    if (char === "%") result += "*";
    else if (char === "_") result += "?";
    else result += char;
  }
  return result;
}

/** Classifies a wildcard pattern that may also hold `?`. */
export function classifyPattern(pattern: string): PredicateKind {
  if (pattern.includes("?")) return "wildcard";
  const kind = classifyEquality(pattern);
  return kind === "exists" ? "wildcard" : kind;
}

/**
 * Reads `<EventID>4103<` (an EventID element of the XML rendering of a
 * Windows event, as a raw-text search) and returns the event id, or
 * undefined when the text is something else.
 */
export function xmlEventId(text: string): string | undefined {
  const prefix = "<EventID";
  if (!text.startsWith(prefix)) return undefined;
  const close = text.indexOf(">", prefix.length);
  if (close === -1) return undefined;
  const attributes = text.slice(prefix.length, close);
  if (attributes !== "" && !attributes.startsWith(" ")) return undefined;
  const rest = text.slice(close + 1);
  const end = rest.indexOf("<");
  const id = end === -1 ? rest : rest.slice(0, end);
  const tail = end === -1 ? "" : rest.slice(end);
  if (!/^\d+$/.test(id)) return undefined;
  if (tail !== "" && tail !== "<" && tail !== "</EventID>") return undefined;
  if (end === -1) return undefined;
  return id;
}

/** Splits `Field=value` inside TERM(); undefined when it is not that shape. */
export function splitTermComparison(
  text: string,
): { field: string; value: string } | undefined {
  const equals = text.indexOf("=");
  if (equals <= 0) return undefined;
  const field = text.slice(0, equals);
  const value = text.slice(equals + 1);
  if (!/^[A-Za-z_][\w.]*$/.test(field) || value === "") return undefined;
  return { field, value };
}
