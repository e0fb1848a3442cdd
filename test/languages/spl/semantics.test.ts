import { test } from "node:test";
import assert from "node:assert/strict";
import type { Analysis } from "../../../src/analysis/model.ts";
import { analyseSpl } from "../../../src/languages/spl/index.ts";

/** Describes each predicate as `field kind [values] role` plus flags. */
function predicates(analysis: Analysis): string[] {
  return analysis.predicates.map((predicate) => {
    const parts = [
      predicate.field,
      predicate.kind,
      JSON.stringify(predicate.values),
      predicate.role,
    ];
    if (predicate.negated) parts.push("negated");
    if (predicate.caseSensitive) parts.push("case-sensitive");
    if (predicate.origin) parts.push(`origin=${predicate.origin}`);
    return parts.join(" ");
  });
}

const predicateCases: { query: string; expected: string[] }[] = [
  { query: "f=v", expected: ['f eq ["v"] indicator'] },
  { query: 'f="a b"', expected: ['f eq ["a b"] indicator'] },
  { query: "f=*", expected: ["f exists [] indicator"] },
  { query: "NOT f=*", expected: ["f exists [] exclusion negated"] },
  { query: "f!=v", expected: ['f ne ["v"] exclusion'] },
  { query: "NOT f=v", expected: ['f eq ["v"] exclusion negated'] },
  { query: "f=*x*", expected: ['f contains ["x"] indicator'] },
  { query: "f=x*", expected: ['f starts_with ["x"] indicator'] },
  { query: "f=*x", expected: ['f ends_with ["x"] indicator'] },
  { query: "f=a*b", expected: ['f wildcard ["a*b"] indicator'] },
  { query: "f=**", expected: ['f wildcard ["**"] indicator'] },
  { query: 'f="*x*"', expected: ['f contains ["x"] indicator'] },
  { query: 'f="*a\\*"', expected: ['f contains ["a\\\\"] indicator'] },
  { query: "f<5", expected: ['f lt ["5"] indicator'] },
  { query: "f<=5", expected: ['f le ["5"] indicator'] },
  { query: "f>5", expected: ['f gt ["5"] indicator'] },
  { query: "f>=5", expected: ['f ge ["5"] indicator'] },
  { query: "f==5", expected: ['f eq ["5"] indicator'] },
  { query: "ip=10.1.0.0/16", expected: ['ip cidr ["10.1.0.0/16"] indicator'] },
  {
    query: "port IN (443, 22, 8080)",
    expected: ['port in ["22","443","8080"] indicator'],
  },
  {
    query: "NOT port IN (443, 22)",
    expected: ['port in ["22","443"] exclusion negated'],
  },
  {
    query: 'name IN ("b", "a", c*)',
    expected: [
      'name in ["b","a"] indicator',
      'name starts_with ["c"] indicator',
    ],
  },
  {
    query: 'NOT name IN ("a", "*b*")',
    expected: [
      'name eq ["a"] exclusion negated',
      'name contains ["b"] exclusion negated',
    ],
  },
  {
    query: "TERM(EventCode=4688)",
    expected: ['EventCode eq ["4688"] indicator origin=term'],
  },
  {
    query: '"<EventID>7045<"',
    expected: ['EventID eq ["7045"] indicator origin=xml-event-id'],
  },
  {
    query: "host=CASE(WebServer)",
    expected: ['host eq ["WebServer"] indicator case-sensitive'],
  },
  {
    query: "a=b=c",
    expected: ['a eq ["b=c"] indicator'],
  },
  {
    query: "userIdentity.userName!=requestParameters.userName",
    expected: [
      'userIdentity.userName ne ["requestParameters.userName"] exclusion',
    ],
  },
  {
    query: '| where f="x*"',
    expected: ['f eq ["x*"] indicator case-sensitive'],
  },
  {
    query: '| where like(f, "x_%")',
    expected: ['f wildcard ["x?*"] indicator case-sensitive'],
  },
  {
    query: '| where f LIKE "%evil%"',
    expected: ['f contains ["evil"] indicator case-sensitive'],
  },
  {
    query: '| where match(f, "^a")',
    expected: ['f regex ["^a"] indicator case-sensitive'],
  },
  {
    query: '| where NOT match(f, "(?i)a")',
    expected: ['f regex ["(?i)a"] exclusion negated'],
  },
  {
    query: "| where isnull(f)",
    expected: ["f exists [] exclusion negated"],
  },
  {
    query: '| where f!="x"',
    expected: ['f ne ["x"] exclusion case-sensitive'],
  },
  {
    query: "| where 5 < f",
    expected: ['f gt ["5"] indicator case-sensitive'],
  },
  {
    query: '| regex f!="x"',
    expected: ['f regex ["x"] exclusion negated case-sensitive'],
  },
  { query: "earliest=-1d latest=now", expected: [] },
  {
    query: "`source` | rename a as b | search b=x",
    expected: ['b eq ["x"] indicator'],
  },
  {
    query: "f=1 | `unknown` | rename f as b | search b=x",
    expected: ['f eq ["1"] indicator', 'b eq ["x"] indicator'],
  },
];

for (const { query, expected } of predicateCases) {
  test(`predicates of ${query}`, () => {
    assert.deepEqual(predicates(analyseSpl(query).value), expected);
  });
}

const termCases: { query: string; expected: string[] }[] = [
  { query: "error", expected: ["error"] },
  { query: '"two words"', expected: ['"two words"'] },
  { query: "TERM(a.b.c)", expected: ["TERM:a.b.c"] },
  { query: "CASE(Error)", expected: ["CASE:Error"] },
  { query: "TERM (spaced)", expected: ["TERM:spaced"] },
  { query: "and or not", expected: ["and", "or", "not"] },
  { query: "NOT bad", expected: ["NOT bad"] },
  { query: "*", expected: [] },
  { query: "a*b", expected: ["a*b"] },
  { query: "index=x ```a comment``` y", expected: ["y"] },
  { query: 'x "a`b`c"', expected: ["x", '"a`b`c"'] },
];

function terms(analysis: Analysis): string[] {
  return analysis.searchTerms.map((term) => {
    let text = term.phrase ? `"${term.text}"` : term.text;
    if (term.directive) text = `${term.directive}:${text}`;
    return term.negated ? `NOT ${text}` : text;
  });
}

for (const { query, expected } of termCases) {
  test(`terms of ${query}`, () => {
    assert.deepEqual(terms(analyseSpl(query).value), expected);
  });
}

test("comments stay outside the logic", () => {
  const result = analyseSpl("a ```b``` | stats```c```count");
  assert.deepEqual(terms(result.value), ["a"]);
  assert.equal(result.value.stages.length, 2);
  assert.equal(result.value.stages[1].command, "stats");
  assert.equal(result.diagnostics.length, 0);
});

test("stage text is never shortened", () => {
  const long = "x".repeat(5000);
  const result = analyseSpl(`index=main ${long} | table a`);
  assert.equal(result.value.stages[0].text, `index=main ${long}`);
});

test("spans point into the query", () => {
  const query = 'index=main  process_name="cmd.exe"';
  const predicate = analyseSpl(query).value.predicates[1];
  assert.equal(
    query.slice(predicate.span.start, predicate.span.end),
    'process_name="cmd.exe"',
  );
  assert.equal(predicate.span.column, 13);
});

test("stage macro status without definitions", () => {
  const result = analyseSpl("a | `x_filter` | `y`");
  const statuses = result.value.references.map((r) => `${r.name}:${r.status}`);
  assert.deepEqual(statuses, ["x_filter:tuning-hook", "y:unknown"]);
  assert.equal(result.value.stages[1].command, "macro");
  assert.equal(result.value.stages[1].filters, false);
});
