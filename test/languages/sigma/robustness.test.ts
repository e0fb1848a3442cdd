import assert from "node:assert/strict";
import { test } from "node:test";
import { inferSigmaCoverage } from "../../../src/knowledge/sigma-logsource.ts";
import { sigmaLanguage } from "../../../src/languages/sigma/index.ts";
import { readSigmaText } from "../../../src/sources/sigma.ts";

/** Malformed rule files: each must give diagnostics, never an exception. */
const inputs: [string, string][] = [
  [
    "detection is a scalar",
    "title: t\nlogsource: {product: windows}\ndetection: oops\n",
  ],
  ["detection is a list", "title: t\nlogsource: {}\ndetection: [a, b]\n"],
  [
    "condition is a number",
    "title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: 5\n",
  ],
  [
    "condition is null",
    "title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition:\n",
  ],
  [
    "condition is a map",
    "title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: {x: y}\n",
  ],
  [
    "nested map value",
    "title: t\nlogsource: {}\ndetection:\n  sel:\n    a: {b: c}\n  condition: sel\n",
  ],
  [
    "selection is null",
    "title: t\nlogsource: {}\ndetection:\n  sel:\n  condition: sel\n",
  ],
  [
    "alias values",
    "title: t\nlogsource: {}\ndetection:\n  base: &x {a: b}\n  sel: *x\n  condition: sel and base\n",
  ],
  [
    "exists without boolean",
    "title: t\nlogsource: {}\ndetection:\n  sel:\n    a|exists: maybe\n  condition: sel\n",
  ],
  [
    "numeric modifier on text",
    "title: t\nlogsource: {}\ndetection:\n  sel:\n    a|gt: many\n  condition: sel\n",
  ],
  [
    "only operators",
    "title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: and or not\n",
  ],
  [
    "stray parenthesis",
    "title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: sel)\n",
  ],
  [
    "of without target",
    "title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: 1 of\n",
  ],
  [
    "bad aggregation",
    "title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: sel | nonsense\n",
  ],
  ["correlation is a list", "title: t\ncorrelation: [a]\n"],
  [
    "correlation rules is a map",
    "title: t\ncorrelation:\n  type: temporal\n  rules: {a: b}\n  timespan: 1m\n",
  ],
  ["filter without selections", "title: f\nfilter:\n  rules: [x]\n"],
  ["filter is a scalar", "title: f\nfilter: nothing\n"],
  ["empty document", "---\n---\n"],
  [
    "tags are a map",
    "title: t\ntags: {a: b}\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: sel\n",
  ],
  [
    "logsource is a list",
    "title: t\nlogsource: [windows]\ndetection:\n  sel: {a: b}\n  condition: sel\n",
  ],
  [
    "parentheses nested past the limit",
    `title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: ${"(".repeat(5000)}sel${")".repeat(5000)}\n`,
  ],
  [
    "not nested past the limit",
    `title: t\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: ${"not ".repeat(5000)}sel\n`,
  ],
  [
    "alias bomb",
    "title: t\nlogsource: {}\ndetection:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  condition: d\n",
  ],
  [
    "alias inside its own anchor",
    "title: t\nlogsource: {}\ndetection:\n  sel: &s [x, *s]\n  condition: sel\n",
  ],
  [
    "tags alias inside its own anchor",
    "title: t\ntags: &t [a, *t]\nlogsource: {}\ndetection:\n  sel: {a: b}\n  condition: sel\n",
  ],
  [
    "block list nested thousands deep",
    `title: t\nlogsource: {}\ndetection:\n  sel:\n    ${"- ".repeat(6000)}a\n  condition: sel\n`,
  ],
];

for (const [name, text] of inputs) {
  test(`malformed sigma: ${name}`, () => {
    const content = readSigmaText(text, `${name}.yml`);
    for (const { record } of content.rules) {
      const result = sigmaLanguage.analyse({
        query: record.query,
        queryData: record.queryData,
      });
      assert.ok(Array.isArray(result.diagnostics));
      assert.ok(Array.isArray(inferSigmaCoverage(record, result.value)));
    }
  });
}

test("analyser reads a bare detection query", () => {
  const query =
    "detection:\n  sel:\n    Image|endswith: '\\a.exe'\n  condition: sel\n";
  const result = sigmaLanguage.analyse({ query });
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.value.predicates[0]?.kind, "ends_with");
  assert.equal(result.value.predicates[0]?.span.line, 3);
});

test("analyser reads a bare correlation query", () => {
  const query =
    "correlation:\n  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {gt: 1}\n";
  const result = sigmaLanguage.analyse({ query });
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.value.thresholds[0]?.operator, "gt");
});

test("a condition nested past the limit gives one error", () => {
  const query = `detection:\n  sel: {a: b}\n  condition: ${"(".repeat(500)}sel${")".repeat(500)}\n`;
  const result = sigmaLanguage.analyse({ query });
  const errors = result.diagnostics.filter((item) => item.severity === "error");
  assert.deepEqual(
    errors.map((item) => item.code),
    ["sigma-condition-depth"],
  );
  assert.equal(errors[0].span?.line, 3);
});

test("a condition nested to the limit still parses", () => {
  const query = `detection:\n  sel: {a: b}\n  condition: ${"(".repeat(50)}not ${"(".repeat(49)}sel${")".repeat(99)}\n`;
  const result = sigmaLanguage.analyse({ query });
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.value.predicates[0]?.negated, true);
});

test("alias cycles and bombs give errors", () => {
  const bomb =
    "detection:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
    ["b", "c", "d", "e", "f", "g"]
      .map((name, index) => {
        const previous = "abcdefg"[index];
        return `  ${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]\n`;
      })
      .join("") +
    "  condition: g\n";
  const selfAlias = "detection:\n  sel: &s [x, *s]\n  condition: sel\n";
  for (const [query, code] of [
    [bomb, "sigma-yaml-aliases"],
    [selfAlias, "sigma-selection-nesting"],
  ]) {
    const result = sigmaLanguage.analyse({ query });
    assert.ok(
      result.diagnostics.some((item) => item.code === code),
      `expected ${code}`,
    );
  }
  for (const text of [
    "title: t\nlogsource: {}\n" + bomb,
    "title: t\nlogsource: {}\n" + selfAlias,
  ]) {
    const content = readSigmaText(text, "aliases.yml");
    assert.equal(content.rules.length, 0);
    assert.deepEqual(
      content.diagnostics.map((item) => [item.code, item.line, item.column]),
      [["yaml-aliases", 1, 1]],
    );
  }
});

test("correlation rules skip non-scalar entries", () => {
  const query =
    "correlation:\n  type: event_count\n  rules: [[a], {b: c}, failed_logon]\n  timespan: 5m\n  condition: {gte: [10]}\n";
  const result = sigmaLanguage.analyse({ query });
  assert.deepEqual(
    result.value.references.map((reference) => reference.name),
    ["failed_logon"],
  );
  assert.deepEqual(
    result.diagnostics.map((item) => [item.code, item.span?.column]),
    [
      ["sigma-correlation-rules", 11],
      ["sigma-correlation-rules", 16],
      ["sigma-correlation-condition", 20],
    ],
  );
});

test("empty selections give errors", () => {
  for (const body of ["{}", "[]"]) {
    const query = `detection:\n  sel: ${body}\n  condition: sel\n`;
    const result = sigmaLanguage.analyse({ query });
    assert.deepEqual(
      result.diagnostics.map((item) => [item.code, item.span?.line]),
      [["sigma-selection-empty", 2]],
      body,
    );
  }
});
