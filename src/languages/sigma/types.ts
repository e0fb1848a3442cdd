import type { Span } from "../../core/span.ts";

/**
 * The `queryData` the Sigma reader attaches to a rule record. The rule's
 * `query` is the concatenation of YAML sections, each a top-level mapping
 * cut from a document: `detection:` of the rule (and of an `action: global`
 * document before it), `filter:` of each filter document that names the
 * rule, or `correlation:` of a correlation rule. Offsets are into `query`.
 * Without `queryData` the analyser reads `query` as one rule section.
 */
export interface SigmaQueryData {
  kind: "rule" | "correlation";
  sections: SigmaSection[];
}

export interface SigmaSection {
  role: "global" | "rule" | "filter" | "correlation";
  start: number;
  end: number;
  /** Title and id of a filter document, for the stage it adds. */
  title?: string;
  id?: string;
}

/** One scalar as written in the detection, with its source span. */
export interface SigmaScalar {
  /** `null` is the YAML null, which Sigma reads as a missing field. */
  value: string | number | boolean | null;
  /** The value as a string; numbers keep their source spelling (`0x1410`). */
  text: string;
  span: Span;
}

export interface FieldEntry {
  field: string;
  modifiers: string[];
  /** True when the YAML value is a list. */
  list: boolean;
  values: SigmaScalar[];
  span: Span;
}

/** A search identifier's value: a map of fields, a list, or a keyword. */
export type SelectionBody =
  | { type: "map"; entries: FieldEntry[]; span: Span }
  | { type: "list"; items: SelectionBody[]; span: Span }
  | { type: "keyword"; value: SigmaScalar; modifiers: string[]; span: Span };

export interface Selection {
  name: string;
  body: SelectionBody;
  span: Span;
}
