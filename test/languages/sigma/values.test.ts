import assert from "node:assert/strict";
import { test } from "node:test";
import {
  renderPattern,
  shapeOf,
  tokeniseValue,
} from "../../../src/languages/sigma/values.ts";
import {
  windashPrefixes,
  windashVariants,
} from "../../../src/languages/sigma/modifiers.ts";

/** Sigma value as written (YAML already decoded), kind and value expected. */
const shapes: [string, string, string][] = [
  ["cmd.exe", "eq", "cmd.exe"],
  ["*\\cmd.exe", "ends_with", "\\cmd.exe"],
  ["C:\\Windows\\*", "eq", "C:\\Windows*"],
  ["C:\\Windows\\\\*", "starts_with", "C:\\Windows\\"],
  ["*\\AppData\\*", "ends_with", "\\AppData*"],
  ["*mimikatz*", "contains", "mimikatz"],
  ["\\?id=", "eq", "?id="],
  ["*\\prog?.exe", "wildcard", "*\\prog?.exe"],
  ["a\\\\\\*b", "eq", "a\\*b"],
  ["\\\\\\\\server", "eq", "\\\\server"],
  ["trailing\\", "eq", "trailing\\"],
  ["*", "wildcard", "*"],
  ["", "eq", ""],
];

for (const [raw, kind, value] of shapes) {
  test(`value shape of ${JSON.stringify(raw)}`, () => {
    const shape = shapeOf(tokeniseValue(raw));
    assert.equal(shape.kind, kind);
    assert.equal(shape.value, value);
  });
}

test("pattern rendering reads back to the same tokens", () => {
  for (const raw of ["C:\\Users\\\\*\\x?.exe", "a\\*b*c", "x\\\\?y", "*a\\"]) {
    const tokens = tokeniseValue(raw);
    assert.deepEqual(tokeniseValue(renderPattern(tokens)), tokens, raw);
  }
});

test("windash permutes every option prefix", () => {
  const variants = windashVariants(" -urlcache -f");
  assert.equal(variants.length, 25);
  assert.equal(variants[0], " -urlcache -f");
  for (const mixed of [
    " -urlcache /f",
    " /urlcache -f",
    " \u2013urlcache \u2015f",
    " \u2014urlcache \u2014f",
  ]) {
    assert.ok(variants.includes(mixed), mixed);
  }
});

test("windash prefixes follow non-word characters", () => {
  assert.deepEqual(windashPrefixes(' "-enc (/c --x'), [2, 8, 12]);
  assert.deepEqual(windashPrefixes(" - a/b x- "), []);
});

test("windash past the prefix limit uses one form", () => {
  const variants = windashVariants("-a -b -c -d -e");
  assert.equal(variants.length, 5);
  assert.equal(variants[1], "/a /b /c /d /e");
});

test("windash keeps dashes inside words", () => {
  assert.deepEqual(windashVariants("Invoke-Expression"), ["Invoke-Expression"]);
});

test("windash starts from a slash too", () => {
  const variants = windashVariants("/c");
  assert.equal(variants[0], "/c");
  assert.ok(variants.includes("-c"));
  assert.equal(variants.length, 5);
});
