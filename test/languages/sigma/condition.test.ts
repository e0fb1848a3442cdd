import assert from "node:assert/strict";
import { test } from "node:test";
import { LineIndex } from "../../../src/core/span.ts";
import {
  parseCondition,
  type ConditionNode,
} from "../../../src/languages/sigma/condition.ts";
import {
  matchesGlob,
  resolveTarget,
} from "../../../src/languages/sigma/glob.ts";

/** Writes a parse tree in prefix form, such as `or(a, and(b, not(c)))`. */
function show(node: ConditionNode | undefined): string {
  if (!node) return "";
  switch (node.type) {
    case "or":
    case "and":
      return `${node.type}(${node.children.map(show).join(", ")})`;
    case "not":
      return `not(${show(node.operand)})`;
    case "identifier":
      return node.name;
    case "of":
      return `${node.quantifier === "all" ? "all" : "1"} of ${node.target}`;
  }
}

function parse(text: string) {
  return parseCondition(text, new LineIndex(text), (index) => index);
}

const precedence: [string, string][] = [
  ["selection and not filter", "and(selection, not(filter))"],
  [
    "selection_1 or selection_2 and not filter1 and not filter2",
    "or(selection_1, and(selection_2, not(filter1), not(filter2)))",
  ],
  ["a or b and not c", "or(a, and(b, not(c)))"],
  ["not 1 of filter_*", "not(1 of filter_*)"],
  ["not not a", "not(not(a))"],
  ["(a or b) and c", "and(or(a, b), c)"],
  ["a and (b or (c and not d))", "and(a, or(b, and(c, not(d))))"],
  [
    "all of selection_* and not 1 of them",
    "and(all of selection_*, not(1 of them))",
  ],
  ["1 of sel*main", "1 of sel*main"],
];

for (const [input, expected] of precedence) {
  test(`condition precedence: ${input}`, () => {
    const result = parse(input);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(show(result.value.expression), expected);
  });
}

test("condition spans cover parentheses", () => {
  const result = parse("a and (b or c)");
  const node = result.value.expression;
  assert.equal(node?.type, "and");
  if (node?.type !== "and") return;
  assert.equal(node.children[1].span.start, 6);
  assert.equal(node.children[1].span.end, 14);
});

test("condition errors: upper-case operator", () => {
  const result = parse("a AND b");
  assert.equal(result.diagnostics[0]?.code, "sigma-condition-operator-case");
  assert.equal(result.diagnostics[0]?.span?.column, 3);
});

test("condition errors: missing operand", () => {
  const result = parse("a and");
  assert.equal(result.diagnostics[0]?.code, "sigma-condition-expected-operand");
});

test("condition errors: unclosed parenthesis", () => {
  const result = parse("(a or b");
  assert.equal(result.diagnostics[0]?.code, "sigma-condition-parenthesis");
});

test("condition errors: empty condition", () => {
  const result = parse("   ");
  assert.equal(result.diagnostics[0]?.code, "sigma-condition-empty");
});

test("condition aggregation: count by field", () => {
  const result = parse("selection | count(dst_port) by src_ip > 10");
  assert.equal(show(result.value.expression), "selection");
  assert.equal(result.value.aggregation?.function, "count");
  assert.equal(result.value.aggregation?.field, "dst_port");
  assert.equal(result.value.aggregation?.groupBy, "src_ip");
  assert.equal(result.value.aggregation?.operator, ">");
  assert.equal(result.value.aggregation?.value, "10");
});

const globs: [string, string, boolean][] = [
  ["selection_*", "selection_img", true],
  ["selection_*", "selection_", true],
  ["selection_*", "filter_img", false],
  ["sel*main", "sel_one_main", true],
  ["sel*main", "sel_one_mains", false],
  ["*_main", "filter_main", true],
  ["*", "anything", true],
  ["a*b*c", "a_x_b_y_c", true],
  ["a*b*c", "a_x_c", false],
  ["exact", "exact", true],
  ["exact", "exactly", false],
];

for (const [pattern, name, expected] of globs) {
  test(`glob ${pattern} against ${name}`, () => {
    assert.equal(matchesGlob(pattern, name), expected);
  });
}

test("them leaves out underscore identifiers", () => {
  const names = ["_cond_x", "selection_a", "selection_b"];
  assert.deepEqual(resolveTarget("them", names), [
    "selection_a",
    "selection_b",
  ]);
  assert.deepEqual(resolveTarget("*", names), names);
});
