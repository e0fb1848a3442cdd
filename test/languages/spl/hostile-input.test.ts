import { test } from "node:test";
import assert from "node:assert/strict";
import type { MacroLibrary } from "../../../src/languages/registry.ts";
import { analyseSpl } from "../../../src/languages/spl/index.ts";
import { addMacro } from "../../../src/languages/spl/macros.ts";

// Each input must complete with a diagnostic and never throw.
function errorCodes(query: string): string[] {
  const result = analyseSpl(query);
  return result.diagnostics
    .filter((diagnostic) => diagnostic.severity === "error")
    .map((diagnostic) => diagnostic.code);
}

test("empty query", () => {
  assert.deepEqual(errorCodes(""), ["spl-empty-query"]);
  assert.deepEqual(errorCodes(" \n\t "), ["spl-empty-query"]);
});

test("unbalanced quotes", () => {
  assert.ok(errorCodes('index=main "abc').includes("spl-unterminated-string"));
  assert.ok(
    errorCodes("| where 'field = 1").includes("spl-unterminated-string"),
  );
  assert.ok(errorCodes("`macro").includes("spl-unterminated-macro"));
  assert.ok(errorCodes("a ```comment").includes("spl-unterminated-comment"));
});

test("unbalanced brackets", () => {
  assert.ok(errorCodes("(a OR b").includes("spl-unbalanced-parenthesis"));
  assert.ok(errorCodes("a OR b)").includes("spl-unbalanced-parenthesis"));
  assert.ok(errorCodes("a [search b").includes("spl-unclosed-bracket"));
  assert.ok(errorCodes("a ] b").includes("spl-unbalanced-bracket"));
  assert.ok(errorCodes("| where (a=1").includes("spl-unbalanced-parenthesis"));
});

test("lone and doubled pipes", () => {
  assert.deepEqual(errorCodes("|"), ["spl-empty-stage"]);
  assert.deepEqual(errorCodes("a | | stats count"), ["spl-empty-stage"]);
  assert.deepEqual(errorCodes("a |"), ["spl-empty-stage"]);
});

test("100,000 nested parentheses", () => {
  const depth = 100_000;
  const query = "(".repeat(depth) + "a" + ")".repeat(depth);
  assert.ok(errorCodes(query).includes("spl-nesting-too-deep"));
  const where = "| where " + "(".repeat(depth) + "a=1" + ")".repeat(depth);
  assert.ok(errorCodes(where).includes("spl-nesting-too-deep"));
  const nots = "NOT ".repeat(depth) + "a";
  assert.ok(errorCodes(nots).includes("spl-nesting-too-deep"));
  const brackets = "[search ".repeat(depth) + "a" + "]".repeat(depth);
  assert.ok(errorCodes(brackets).includes("spl-nesting-too-deep"));
});

test("unclosed nesting reports once", () => {
  const codes = errorCodes("(".repeat(100_000));
  assert.deepEqual(codes, ["spl-nesting-too-deep"]);
});

test("5 MB query", () => {
  const query = "index=main " + "a=1 OR ".repeat((5 * 1024 * 1024) / 7) + "b";
  assert.ok(query.length > 5_000_000);
  assert.deepEqual(errorCodes(query), ["spl-query-too-long"]);
});

test("garbage characters", () => {
  const inputs = [
    "= = =",
    "!= <",
    "| 123 | (",
    "| eval = ,,,",
    "| tstats where by by",
    "\u0000\uffff`|`",
    '"\\',
    "| where \\",
    "a=",
  ];
  for (const input of inputs) {
    const result = analyseSpl(input);
    assert.ok(result.diagnostics.length > 0, `no diagnostic for ${input}`);
  }
});

test("exponential macro expansion stops", () => {
  const library: MacroLibrary = new Map();
  for (let level = 0; level < 20; level++) {
    const next = level === 19 ? "x=1" : `\`m${level + 1}\` \`m${level + 1}\``;
    addMacro(library, { name: `m${level}`, arguments: [], definition: next });
  }
  const result = analyseSpl("`m0`", library);
  const codes = result.diagnostics.map((diagnostic) => diagnostic.code);
  assert.ok(codes.includes("spl-macro-expansion-limit"));
});

test("macro expansion past the length limit stops", () => {
  const library: MacroLibrary = new Map();
  addMacro(library, {
    name: "many",
    arguments: ["value"],
    definition: "$value$ ".repeat(1_000),
  });
  const result = analyseSpl("`many(" + "x".repeat(900_000) + ")`", library);
  const codes = result.diagnostics.map((diagnostic) => diagnostic.code);
  assert.ok(codes.includes("spl-macro-expansion-too-long"));
  assert.equal(result.value.logic.type, "opaque");
});

test("many calls to a long macro stop", () => {
  const library: MacroLibrary = new Map();
  addMacro(library, {
    name: "long",
    arguments: [],
    definition: '"' + "a".repeat(900_000) + '"',
  });
  const result = analyseSpl("`long` ".repeat(10_000), library);
  const codes = result.diagnostics.map((diagnostic) => diagnostic.code);
  assert.ok(codes.includes("spl-macro-expansion-limit"));
  const expanded = result.value.searchTerms.length;
  assert.ok(expanded <= 5, `${expanded} expansions`);
});
