import { test } from "node:test";
import assert from "node:assert/strict";
import { analyseSpl } from "../../../src/languages/spl/index.ts";
import { formula } from "./logic-format.ts";

const PRECEDENCE_WARNING = "spl-precedence-sensitive";

// Search evaluates OR before AND; where and eval evaluate AND before OR.
const cases: { query: string; logic: string; warns: boolean }[] = [
  { query: "A B OR C", logic: "AND(A, OR(B, C))", warns: true },
  { query: "A OR B C", logic: "AND(OR(A, B), C)", warns: true },
  { query: "A OR B AND C", logic: "AND(OR(A, B), C)", warns: true },
  { query: "A AND B OR C", logic: "AND(A, OR(B, C))", warns: true },
  { query: "(A OR B) C", logic: "AND(OR(A, B), C)", warns: false },
  { query: "A OR (B C)", logic: "OR(A, AND(B, C))", warns: false },
  { query: "A OR B OR C", logic: "OR(A, B, C)", warns: false },
  { query: "A B C", logic: "AND(A, B, C)", warns: false },
  { query: "NOT A OR B", logic: "OR(NOT(A), B)", warns: false },
  { query: "NOT (A OR B) C", logic: "AND(NOT(OR(A, B)), C)", warns: false },
  { query: "A or B", logic: "AND(A, or, B)", warns: false },
  { query: "A | search B OR C D", logic: "AND(A, OR(B, C), D)", warns: true },
  {
    query: "| tstats count where a=1 OR b=2 c=3 by x",
    logic: "AND(OR(a eq 1, b eq 2), c eq 3)",
    warns: true,
  },
  {
    query: '| where a="1" OR b="2" AND c="3"',
    logic: "OR(a eq 1, AND(b eq 2, c eq 3))",
    warns: false,
  },
  {
    query: '| where a="1" AND b="2" OR c="3"',
    logic: "OR(AND(a eq 1, b eq 2), c eq 3)",
    warns: false,
  },
  {
    query: '| where NOT a="1" AND b="2"',
    logic: "AND(NOT(a eq 1), b eq 2)",
    warns: false,
  },
  {
    query: '| where a="1" OR b="2" XOR c="3"',
    logic: 'opaque(a="1" OR b="2" XOR c="3")',
    warns: false,
  },
  {
    query: '| where a="1" and b="2" or c="3"',
    logic: "OR(AND(a eq 1, b eq 2), c eq 3)",
    warns: false,
  },
];

for (const { query, logic, warns } of cases) {
  test(`precedence of ${query}`, () => {
    const result = analyseSpl(query);
    assert.equal(formula(result.value), logic);
    const warned = result.diagnostics.some(
      (d) => d.code === PRECEDENCE_WARNING,
    );
    assert.equal(warned, warns);
  });
}
