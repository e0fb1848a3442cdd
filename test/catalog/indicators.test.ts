import { test } from "node:test";
import assert from "node:assert/strict";
import type {
  Analysis,
  LogicNode,
  Predicate,
  SearchTerm,
} from "../../src/analysis/model.ts";
import { countIndicators } from "../../src/catalog/indicators.ts";
import type { SourceKind } from "../../src/core/rule.ts";

const SPAN = { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };

function predicate(
  field: string,
  kind: Predicate["kind"],
  values: string[],
  extra: Partial<Predicate> = {},
): Predicate {
  return {
    field,
    kind,
    values,
    caseSensitive: false,
    negated: false,
    role: "indicator",
    stage: 0,
    span: SPAN,
    ...extra,
  };
}

function term(text: string, extra: Partial<SearchTerm> = {}): SearchTerm {
  return {
    text,
    phrase: false,
    negated: false,
    role: "indicator",
    stage: 0,
    span: SPAN,
    ...extra,
  };
}

function rule(
  slug: string,
  source: SourceKind,
  predicates: Predicate[],
  searchTerms: SearchTerm[] = [],
  logic: LogicNode = {
    type: "and",
    children: searchTerms.map((_, index) => ({ type: "term", index })),
  },
): {
  slug: string;
  source: SourceKind;
  analysis: Pick<Analysis, "predicates" | "searchTerms" | "logic">;
} {
  return { slug, source, analysis: { predicates, searchTerms, logic } };
}

test("indicators meet across languages", () => {
  const counts = countIndicators([
    rule("sigma-a", "sigma", [
      predicate("Image", "ends_with", ["\\certutil.exe"], {
        canonicalField: "process.executable",
      }),
    ]),
    rule("spl-b", "splunk", [
      predicate("Image", "ends_with", ["\\CertUtil.exe"], {
        canonicalField: "process.executable",
      }),
    ]),
    rule("spl-c", "armory", [
      predicate("process_path", "ends_with", ["\\certutil.exe"], {
        canonicalField: "process.executable",
      }),
    ]),
  ]);
  const first = counts.get("sigma-a")![0]!;
  assert.equal(first.field, "Image");
  assert.equal(first.canonicalField, "process.executable");
  assert.equal(first.others, 2);
  assert.deepEqual(first.bySource, { splunk: 1, armory: 1 });
});

test("in members count as equality", () => {
  const counts = countIndicators([
    rule("a", "splunk", [
      predicate("EventCode", "in", ["4103", "4104"], {
        canonicalField: "event.code",
      }),
    ]),
    rule("b", "armory", [
      predicate("EventCode", "eq", ["4104"], { canonicalField: "event.code" }),
    ]),
  ]);
  const values = counts.get("a")!.map((count) => [count.value, count.others]);
  assert.deepEqual(values, [
    ["4103", 0],
    ["4104", 1],
  ]);
});

test("exclusions and data selection are not indicators", () => {
  const counts = countIndicators([
    rule("a", "splunk", [
      predicate("index", "eq", ["win"], { role: "selection" }),
      predicate("sourcetype", "eq", ["xmlwineventlog"], { role: "selection" }),
      predicate("user", "eq", ["SYSTEM"], { role: "exclusion", negated: true }),
      predicate("process_name", "eq", ["net.exe"]),
    ]),
  ]);
  assert.deepEqual(
    counts.get("a")!.map((count) => count.field),
    ["process_name"],
  );
});

test("case-sensitive values count apart", () => {
  const counts = countIndicators([
    rule("a", "splunk", [
      predicate("f", "eq", ["Evil"], { caseSensitive: true }),
    ]),
    rule("b", "splunk", [predicate("f", "eq", ["evil"])]),
  ]);
  assert.equal(counts.get("a")![0]!.others, 0);
});

test("search terms the logic tests count", () => {
  const counts = countIndicators([
    rule(
      "a",
      "armory",
      [],
      [
        term("masscan", { directive: "TERM" }),
        term("masscan.exe", { phrase: true }),
      ],
    ),
    rule("b", "armory", [], [term("MASSCAN")]),
  ]);
  const rows = counts
    .get("a")!
    .map((count) => [count.field, count.kind, count.value, count.others]);
  assert.deepEqual(rows, [
    ["", "term", "masscan", 1],
    ["", "term", "masscan.exe", 0],
  ]);
});

test("terms read as predicates are not counted twice", () => {
  const counts = countIndicators([
    rule(
      "a",
      "armory",
      [
        predicate("EventCode", "eq", ["4104"], {
          canonicalField: "event.code",
          origin: "term",
        }),
      ],
      [term("EventCode=4104", { directive: "TERM" })],
      { type: "predicate", index: 0 },
    ),
  ]);
  assert.deepEqual(
    counts.get("a")!.map((count) => count.kind),
    ["eq"],
  );
});

test("negated terms are not indicators", () => {
  const counts = countIndicators([
    rule(
      "a",
      "splunk",
      [],
      [term("debug", { role: "exclusion", negated: true })],
      {
        type: "not",
        child: { type: "term", index: 0 },
      },
    ),
  ]);
  assert.deepEqual(counts.get("a"), []);
});

test("encoded values meet only encoded values", () => {
  const counts = countIndicators([
    rule("a", "sigma", [
      predicate("CommandLine", "contains", ["Add-MpPreference "], {
        encodings: ["base64offset"],
      }),
    ]),
    rule("b", "splunk", [
      predicate("CommandLine", "contains", ["Add-MpPreference "]),
    ]),
    rule("c", "sigma", [
      predicate("CommandLine", "contains", ["add-mppreference "], {
        encodings: ["base64offset"],
      }),
    ]),
  ]);
  const first = counts.get("a")![0]!;
  assert.deepEqual(first.encodings, ["base64offset"]);
  assert.equal(first.others, 1);
  assert.deepEqual(first.bySource, { sigma: 1 });
  assert.equal(counts.get("b")![0]!.others, 0);
});

test("wildcard terms count by match kind", () => {
  const counts = countIndicators([
    rule("a", "splunk", [], [term("freemarker", { match: "contains" })]),
    rule("b", "sigma", [], [term("freemarker", { match: "contains" })]),
    rule("c", "armory", [], [term("freemarker")]),
  ]);
  const first = counts.get("a")![0]!;
  assert.equal(first.kind, "contains");
  assert.equal(first.others, 1);
  assert.deepEqual(first.bySource, { sigma: 1 });
});
