import { test } from "node:test";
import assert from "node:assert/strict";
import type { Analysis, LogicNode } from "../../../src/analysis/model.ts";
import { LineIndex, type Span } from "../../../src/core/span.ts";
import type { MacroLibrary } from "../../../src/languages/registry.ts";
import { analyseSpl, parseSpl } from "../../../src/languages/spl/index.ts";
import { addMacro } from "../../../src/languages/spl/macros.ts";

// Mutates real-looking SPL with a seeded generator, so every run tries the
// same inputs and a failure names the input that caused it. The checks are
// the invariants every caller relies on, not a particular reading.
// SPL_FUZZ_SEED and SPL_FUZZ_ITERATIONS change the run when exploring.

const ITERATIONS = Number(process.env.SPL_FUZZ_ITERATIONS ?? 2_000);
const SEED = Number(process.env.SPL_FUZZ_SEED ?? 0x5eed_5a1f);

/** Small, fast, seeded generator (mulberry32). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASES = [
  '`sysmon` EventCode=1 Image="*\\\\net.exe" OR OriginalFileName="net.exe" CommandLine="* localgroup*" | stats count min(_time) as firstTime by dest | `security_content_ctime(firstTime)` | `net_localgroup_filter`',
  '| tstats `security_content_summariesonly` count from datamodel=Endpoint.Processes where Processes.process_name IN ("cmd.exe", "powershell.exe") NOT Processes.parent_process_name=explorer.exe by Processes.dest Processes.user | `drop_dm_object_name(Processes)` | search process_name!=*svchost* | where count > 5',
  'index=win (EventCode=4103 OR EventCode=4104) TERM(masscan) CASE(Masscan.EXE) "<EventID>4104<" | table _time host | bin _time span=1h | stats count by host',
  '| inputlookup allowed.csv where host="a*" | lookup users.csv user OUTPUT name AS user_name | eval x=if(match(cmd, "(?i)-e(nc)?\\s"), 1, 0) | where x=1 AND (like(cmd, "%-enc%") OR isnull(parent)) AND cidrmatch("10.0.0.0/8", src)',
  'sourcetype=linux:audit ```a comment | not a pipe``` NOT [search index=allow | fields host] | rex field=cmd "(?<tool>\\w+)\\|" | regex cmd!="^\\s*$" | eventstats avg(len) as avg stdev(len) as sd | where len > avg + sd*2',
  'index=main earliest=-24h latest=now() error_code IN (40*, 5, 10, 200) user="a \\"quoted\\" name" `macro_with_args(a, "b,c", d)` | transaction host maxspan=5m | where eventcount>3 AND duration<60',
  "| makeresults | eval a=\"x|y\", b='odd name' | join type=left host [search index=x | head 5] | append [| inputlookup t.csv] | convert ctime(_time) | spath input=raw | mvexpand vals | fillnull value=0 | dedup host | sort - count | head 10",
  'search a b OR c NOT d=e f!=g h<=1 i>=2 "p h r a s e" and or not\r\n| where NOT (a="x" OR b!="y") XOR c | rename count AS hits | chart count over host by user | timechart span=1d count',
];

const FRAGMENTS = [
  '"',
  '\\"',
  "\\",
  "\\\\",
  "`",
  "```",
  "``` comment ```",
  "(",
  ")",
  "[",
  "]",
  "|",
  " | ",
  "||",
  " OR ",
  " AND ",
  " NOT ",
  " IN (",
  " IN (a, 1, *x*)",
  "TERM(",
  "CASE(x)",
  "TERM(EventCode=4688)",
  "`m(a,b)`",
  "`m`",
  "`tuning_filter`",
  "[search x=1]",
  "[| inputlookup y]",
  "=",
  "!=",
  "<=",
  ">",
  "'",
  ",",
  "*",
  "\u00e9\u4e2d\ud83d\ude00",
  "\ud83d",
  "\u0000",
  "\r\n",
  "\n",
  "\t",
  " ",
  "| where ",
  "| eval ",
  "| search ",
  "| stats count by x",
  "| tstats count from datamodel=",
  "<EventID>4104<",
  "$arg$",
];

function mutate(random: () => number): string {
  const pick = <T>(list: readonly T[]): T =>
    list[Math.floor(random() * list.length)];
  let text = pick(BASES);
  const steps = 1 + Math.floor(random() * 6);
  for (let step = 0; step < steps; step++) {
    const at = Math.floor(random() * (text.length + 1));
    const choice = random();
    if (choice < 0.5) {
      text = text.slice(0, at) + pick(FRAGMENTS) + text.slice(at);
    } else if (choice < 0.7) {
      const length = Math.floor(random() * 12);
      text = text.slice(0, at) + text.slice(at + length);
    } else if (choice < 0.85) {
      const length = Math.floor(random() * 30);
      const copy = text.slice(at, at + length);
      const to = Math.floor(random() * (text.length + 1));
      text = text.slice(0, to) + copy + text.slice(to);
    } else if (choice < 0.95) {
      text = text.slice(0, at);
    } else {
      const code = Math.floor(random() * 0x10000);
      text = text.slice(0, at) + String.fromCharCode(code) + text.slice(at);
    }
  }
  return text;
}

function macros(): MacroLibrary {
  const library: MacroLibrary = new Map();
  addMacro(library, { name: "sysmon", arguments: [], definition: "index=s" });
  addMacro(library, { name: "m", arguments: [], definition: '(a=1 OR "b' });
  addMacro(library, {
    name: "m",
    arguments: ["x", "y"],
    definition: "$x$=$y$ | where $y$ > 1",
  });
  addMacro(library, {
    name: "drop_dm_object_name",
    arguments: ["name"],
    definition: 'rename "$name$.*" AS *',
  });
  addMacro(library, {
    name: "security_content_ctime",
    arguments: ["field"],
    definition: "convert timeformat=x ctime($field$)",
  });
  return library;
}

function checkSpan(span: Span, lines: LineIndex, length: number, at: string) {
  assert.ok(
    Number.isInteger(span.start) &&
      Number.isInteger(span.end) &&
      span.start >= 0 &&
      span.start <= span.end &&
      span.end <= length,
    `${at}: span ${span.start}..${span.end} outside 0..${length}`,
  );
  const expected = lines.span(span.start, span.end);
  assert.deepEqual(span, expected, `${at}: line or column disagrees`);
}

/** Visits every `span` property in a parse tree. */
function walkSpans(value: unknown, visit: (span: Span, at: string) => void) {
  const stack: { node: unknown; at: string }[] = [{ node: value, at: "" }];
  while (stack.length > 0) {
    const { node, at } = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    for (const [key, child] of Object.entries(node)) {
      if (key === "span" && child && typeof child === "object") {
        visit(child as Span, `${at}.span`);
      } else {
        stack.push({ node: child, at: `${at}.${key}` });
      }
    }
  }
}

function checkLogic(node: LogicNode, analysis: Analysis, depth = 0): void {
  assert.ok(depth < 10_000, "logic tree is implausibly deep");
  switch (node.type) {
    case "and":
    case "or":
      for (const child of node.children) checkLogic(child, analysis, depth + 1);
      return;
    case "not":
      checkLogic(node.child, analysis, depth + 1);
      return;
    case "predicate":
      assert.ok(analysis.predicates[node.index], `no predicate ${node.index}`);
      return;
    case "term":
      assert.ok(analysis.searchTerms[node.index], `no term ${node.index}`);
      return;
    case "threshold":
      assert.ok(analysis.thresholds[node.index], `no threshold ${node.index}`);
      return;
  }
}

function checkQuery(query: string, library: MacroLibrary): void {
  const lines = new LineIndex(query);
  const parsed = parseSpl(query);
  walkSpans(parsed.value, (span, at) =>
    checkSpan(span, lines, query.length, `ast${at}`),
  );
  for (const command of parsed.value.commands) {
    walkSpans(command, (span, at) =>
      assert.ok(
        span.start >= command.span.start && span.end <= command.span.end,
        `ast ${command.name}${at} lies outside its command`,
      ),
    );
  }
  const analysis = analyseSpl(query, library).value;
  for (const [index, stage] of analysis.stages.entries()) {
    checkSpan(stage.span, lines, query.length, `stage ${index}`);
    assert.equal(stage.index, index);
    assert.equal(stage.text, query.slice(stage.span.start, stage.span.end));
  }
  const items = [
    ...analysis.predicates.map((item) => ["predicate", item] as const),
    ...analysis.searchTerms.map((item) => ["term", item] as const),
    ...analysis.thresholds.map((item) => ["threshold", item] as const),
  ];
  for (const [what, item] of items) {
    checkSpan(item.span, lines, query.length, what);
    const stage = analysis.stages[item.stage];
    assert.ok(stage, `${what} names stage ${item.stage}`);
    assert.ok(
      item.span.start >= stage.span.start && item.span.end <= stage.span.end,
      `${what} lies outside its stage`,
    );
  }
  for (const reference of analysis.references) {
    if (reference.span) {
      checkSpan(reference.span, lines, query.length, "reference");
    }
  }
  for (const diagnostic of analysis.diagnostics) {
    if (diagnostic.span) {
      checkSpan(diagnostic.span, lines, query.length, diagnostic.code);
    }
  }
  checkLogic(analysis.logic, analysis);
}

test("mutated queries keep invariants", () => {
  const random = generator(SEED);
  const library = macros();
  for (let i = 0; i < ITERATIONS; i++) {
    const query = mutate(random);
    try {
      checkQuery(query, library);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      assert.fail(`input ${i} ${JSON.stringify(query)}: ${message}`);
    }
  }
});

test("seed queries keep invariants", () => {
  const library = macros();
  for (const query of BASES) checkQuery(query, library);
});

test("unclosed groups end inside their stage", () => {
  const library = macros();
  const inputs = [
    "a (b | stats count",
    "a c( NOT d=e | x",
    "| where x=1 AND (isnull(pare | nt)",
    "| where f IN (1, 2, | x",
    "a [search b   ",
    "a [n ```comment",
    "a [search b | head 1 ``` c``` ",
  ];
  for (const input of inputs) checkQuery(input, library);
});

// Shapes that make a careless parser quadratic or overflow its stack. Each
// runs once; the assertions check that it finishes with the right
// diagnostics. Timings belong in benchmarks, not in tests.
const MANY = 100_000;

function errorCodes(query: string): Set<string> {
  const result = analyseSpl(query);
  return new Set(
    result.diagnostics
      .filter((diagnostic) => diagnostic.severity === "error")
      .map((diagnostic) => diagnostic.code),
  );
}

test("nesting up to the limit", () => {
  const depth = 499;
  const inputs = [
    "(".repeat(depth) + "a" + ")".repeat(depth),
    "| where " + "(".repeat(depth) + "a=1" + ")".repeat(depth),
    "NOT ".repeat(depth) + "a",
    "[search ".repeat(depth) + "a" + "]".repeat(depth),
    "| eval x=" + "f(".repeat(depth) + "1" + ")".repeat(depth),
  ];
  for (const input of inputs) assert.deepEqual([...errorCodes(input)], []);
  const over = "(".repeat(depth + 2) + "a" + ")".repeat(depth + 2);
  assert.deepEqual([...errorCodes(over)], ["spl-nesting-too-deep"]);
});

test("100,000 pipes", () => {
  const analysis = analyseSpl("a" + " | head 1".repeat(MANY)).value;
  assert.equal(analysis.stages.length, MANY + 1);
  assert.deepEqual([...errorCodes("|".repeat(MANY))], ["spl-empty-stage"]);
});

test("100,000 OR and AND terms", () => {
  const search = Array.from({ length: MANY }, (_, i) => `v${i % 10}`);
  const searchAnalysis = analyseSpl(search.join(" OR ")).value;
  assert.equal(searchAnalysis.searchTerms.length, MANY);
  assert.equal(searchAnalysis.logic.type, "or");
  for (const operator of ["OR", "AND"]) {
    const where = Array.from({ length: MANY }, (_, i) => `f=${i % 10}`);
    const analysis = analyseSpl(`| where ${where.join(` ${operator} `)}`);
    assert.equal(analysis.value.predicates.length, MANY);
    assert.equal(analysis.value.logic.type, operator.toLowerCase());
    assert.deepEqual(analysis.diagnostics, []);
  }
  const sum = analyseSpl(
    "| stats count | where count=" + "1+".repeat(MANY) + "1",
  );
  assert.equal(sum.value.thresholds.length, 1);
});

test("long and unclosed quoted strings", () => {
  const long = 'a="' + 'x\\"'.repeat(300_000) + '"';
  const analysis = analyseSpl(long);
  assert.deepEqual(analysis.diagnostics, []);
  assert.equal(analysis.value.predicates[0].values[0].length, 600_000);
  const unclosed = 'a="' + "x ".repeat(450_000);
  assert.ok(errorCodes(unclosed).has("spl-unterminated-string"));
  const quotes = '"a '.repeat(MANY + 1);
  assert.ok(errorCodes(quotes).has("spl-unterminated-string"));
  const lists = "a IN (".repeat(MANY);
  assert.ok(errorCodes(lists).has("spl-unbalanced-parenthesis"));
  assert.ok(errorCodes(")".repeat(MANY)).has("spl-unbalanced-parenthesis"));
});

test("hundreds of thousands of siblings", () => {
  const terms = analyseSpl("a ".repeat(450_000));
  assert.equal(terms.value.searchTerms.length, 450_000);
  const parens = analyseSpl(")".repeat(900_000));
  assert.equal(parens.diagnostics.length, 900_000);
  const call = analyseSpl("| where f(" + "1,".repeat(400_000) + "1)");
  assert.deepEqual(call.diagnostics, []);
  const library: MacroLibrary = new Map();
  addMacro(library, {
    name: "values",
    arguments: [],
    definition: "1,".repeat(300_000) + "1",
  });
  const list = analyseSpl("x IN (`values`)", library);
  assert.equal(list.value.predicates[0].values.length, 300_001);
});
