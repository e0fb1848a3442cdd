import assert from "node:assert/strict";
import { test } from "node:test";
import type { Analysis, LogicNode } from "../../../src/analysis/model.ts";
import type { Diagnostic } from "../../../src/core/diagnostic.ts";
import { LineIndex, type Span } from "../../../src/core/span.ts";
import { inferSigmaCoverage } from "../../../src/knowledge/sigma-logsource.ts";
import { sigmaLanguage } from "../../../src/languages/sigma/index.ts";
import { applyFilters } from "../../../src/sources/sigma-filters.ts";
import { readSigmaText } from "../../../src/sources/sigma.ts";

/**
 * A bounded fuzz test: a seeded generator writes hostile Sigma files (odd
 * selections, modifiers and values, deep or broken conditions, aliases,
 * global, reset and repeat documents, filters and correlations naming
 * missing rules or each other), and every one must be read and analysed
 * without an exception, with diagnostics that give a position, spans inside the
 * query and logic indexes that exist. The seed and iteration count are
 * fixed, so a failure repeats; the iteration is in the assertion message.
 */
const SEED = 0x51a3;
const ITERATIONS = 2000;

/** mulberry32: a small generator with a fixed sequence for a given seed. */
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

class Fuzzer {
  private readonly random: () => number;
  private names: string[] = [];
  private anchors: string[] = [];

  constructor(seed: number) {
    this.random = generator(seed);
  }

  int(limit: number): number {
    return Math.floor(this.random() * limit);
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Writes a condition value over the given identifiers. */
  conditionOver(names: string[]): string {
    this.names = names;
    return this.conditionValue();
  }

  /** Writes a whole file: documents joined by `---`. */
  file(): string {
    const documents: string[] = [];
    const count = 1 + this.int(4);
    for (let i = 0; i < count; i++) documents.push(this.document(i));
    let text = documents.join("\n---\n");
    if (this.chance(0.15)) text = this.mutate(text);
    return text;
  }

  private document(position: number): string {
    const roll = this.random();
    if (roll < 0.1) return "action: global\n" + this.rule(true);
    if (roll < 0.14) return "action: reset";
    if (roll < 0.18) return "action: repeat\n" + this.rule(true);
    if (roll < 0.28) return this.filter();
    if (roll < 0.38) return this.correlation();
    if (roll < 0.4) return this.pick(["", "~", "[a, b]", "just text", "{}"]);
    return this.rule(position > 0 && this.chance(0.3));
  }

  private header(): string {
    const name = `r${this.int(5)}`;
    const lines = [
      `title: ${this.pick(["t", "&t [a, *t]", "'quoted: title'", "[list]", "~"])}`,
      `id: ${name}`,
      `name: ${name}`,
    ];
    const logsource = this.pick([
      "{product: windows, category: process_creation}",
      "{product: windows, category: registry_set}",
      "{product: windows, category: file_event}",
      "{product: windows, service: security}",
      "{product: windows, service: system}",
      "{product: linux, service: auditd}",
      "{product: windows, category: no_such_category}",
      "[windows]",
      "~",
      "{}",
    ]);
    if (this.chance(0.9)) lines.push(`logsource: ${logsource}`);
    if (this.chance(0.3))
      lines.push(
        `tags: ${this.pick(["[attack.t1059, attack.stealth]", "&t [a, *t]", "{a: b}", "~", "attack.ta0005"])}`,
      );
    return lines.join("\n");
  }

  private rule(partial: boolean): string {
    const lines = partial && this.chance(0.5) ? [] : [this.header()];
    if (this.chance(0.05)) return lines.join("\n") + "\ndetection: oops";
    lines.push(this.detection());
    return lines.join("\n");
  }

  /** Writes a `detection:` section, which the analyser also reads on its own. */
  detection(): string {
    this.names = [];
    this.anchors = [];
    const lines = ["detection:"];
    const count = this.int(6);
    for (let i = 0; i < count; i++) {
      const name = this.pick([
        `selection_${i}`,
        `sel${i}`,
        `filter_main_${i}`,
        `_helper${i}`,
        `keywords${i}`,
        `sel${i}main`,
      ]);
      this.names.push(name);
      lines.push(`  ${name}:${this.body(2)}`);
    }
    if (this.chance(0.03)) lines.push("  timeframe: 5m");
    if (!this.chance(0.05)) lines.push(`  condition: ${this.conditionValue()}`);
    if (this.chance(0.03)) lines.push(`condition: ${this.condition(0)}`);
    return lines.join("\n");
  }

  /** Writes a search identifier's value, to follow `name:` at `indent`. */
  private body(indent: number): string {
    const pad = " ".repeat(indent + 2);
    const anchor = this.chance(0.1) ? this.newAnchor() : "";
    const roll = this.random();
    if (roll < 0.08 && this.anchors.length > 0)
      return ` *${this.pick(this.anchors)}`;
    if (roll < 0.5) {
      const entries: string[] = [];
      const count = this.int(4);
      for (let i = 0; i < count; i++)
        entries.push(`${pad}${this.fieldKey()}:${this.value(indent + 2)}`);
      return anchor + (entries.length > 0 ? "\n" + entries.join("\n") : " {}");
    }
    if (roll < 0.65) {
      const items: string[] = [];
      const count = 1 + this.int(4);
      for (let i = 0; i < count; i++) items.push(this.scalar());
      return `${anchor} [${items.join(", ")}]`;
    }
    if (roll < 0.75) {
      const items: string[] = [];
      const count = 1 + this.int(3);
      for (let i = 0; i < count; i++)
        items.push(`${pad}- ${this.fieldKey()}:${this.value(indent + 4)}`);
      return anchor + "\n" + items.join("\n");
    }
    if (roll < 0.8) return " " + this.pick(["~", "", "true", "42", "'text'"]);
    if (roll < 0.85) return ` [[a, [b]], [{c: d}], ~, []]`;
    if (roll < 0.865) return this.aliasBomb();
    if (roll < 0.87) return this.deepBlock(indent + 2);
    if (roll < 0.92) return ` &self${this.int(3)} [x, *self${this.int(3)}]`;
    return `\n${pad}'|all': [${this.scalar()}, ${this.scalar()}]`;
  }

  /** Writes a block list nested so deeply that a recursive parser runs out of stack. */
  private deepBlock(indent: number): string {
    const depth = 2000 + this.int(1000);
    return "\n" + " ".repeat(indent) + "- ".repeat(depth) + "a";
  }

  private newAnchor(): string {
    const name = `a${this.anchors.length}`;
    this.anchors.push(name);
    return ` &${name}`;
  }

  /** Nested aliases that expand to millions of nodes if followed naively. */
  private aliasBomb(): string {
    const levels = 3 + this.int(6);
    const base = `b${this.int(1000)}`;
    const parts = [`&${base}0 [x, x, x, x, x, x, x, x, x, x]`];
    for (let level = 1; level < levels; level++) {
      const alias = `*${base}${level - 1}`;
      const items = Array.from({ length: 10 }, () => alias).join(", ");
      parts.push(`&${base}${level} [${items}]`);
    }
    return ` [${parts.join(", ")}]`;
  }

  private fieldKey(): string {
    const field = this.pick([
      "Image",
      "CommandLine",
      "OriginalFileName",
      "EventID",
      "TargetObject",
      "Provider_Name",
      "",
      "Field With Space",
      "Ünïcödé",
    ]);
    const modifiers: string[] = [];
    const count = this.int(4);
    for (let i = 0; i < count; i++) {
      modifiers.push(
        this.pick([
          "contains",
          "startswith",
          "endswith",
          "all",
          "re",
          "i",
          "m",
          "s",
          "cidr",
          "base64",
          "base64offset",
          "utf16le",
          "utf16be",
          "wide",
          "windash",
          "exists",
          "gt",
          "lte",
          "neq",
          "fieldref",
          "expand",
          "cased",
          "hour",
          "CONTAINS",
          "bogus",
          "",
        ]),
      );
    }
    const key = [field, ...modifiers].join("|");
    return `'${key}'`;
  }

  private value(indent: number): string {
    const roll = this.random();
    if (roll < 0.5) return " " + this.scalar();
    if (roll < 0.7) {
      const count = this.int(5);
      const items = Array.from({ length: count }, () => this.scalar());
      return ` [${items.join(", ")}]`;
    }
    if (roll < 0.8) {
      const pad = " ".repeat(indent + 2);
      const count = 1 + this.int(3);
      const items = Array.from(
        { length: count },
        () => `${pad}- ${this.scalar()}`,
      );
      return "\n" + items.join("\n");
    }
    if (roll < 0.85 && this.anchors.length > 0)
      return ` *${this.pick(this.anchors)}`;
    if (roll < 0.9) return " {nested: map}";
    if (roll < 0.95) return ` [[a, b], c]`;
    return "";
  }

  private scalar(): string {
    return this.pick([
      "~",
      "null",
      "''",
      "'a\\'",
      "'\\\\'",
      "'\\'",
      "'\\*'",
      "'*\\AppData\\*'",
      "'\\?id='",
      "'?'",
      "'*'",
      "'**'",
      "'a?b*c'",
      "' -enc '",
      "'/c '",
      "'::FromBase64String'",
      "'10.0.0.0/8'",
      "'::1/128'",
      "'not a cidr'",
      "'(?i)abc['",
      "0x1410",
      "4688",
      "-1",
      "1.5",
      "true",
      "false",
      "'%var%'",
      '"\\u00e9\\U0001F600\\u200b"',
      "'\u0130stanbul'",
      '"tab\\there"',
      "'x'",
      "'sel and not filter'",
    ]);
  }

  private conditionValue(): string {
    const roll = this.random();
    if (roll < 0.1) {
      const count = this.int(4);
      const items = Array.from({ length: count }, () =>
        JSON.stringify(this.condition(0)),
      );
      return `[${items.join(", ")}]`;
    }
    if (roll < 0.13) return this.pick(["~", "5", "{a: b}", "[[x]]", "''"]);
    if (roll < 0.16) {
      const depth = 50 + this.int(5000);
      return JSON.stringify(
        "(".repeat(depth) + this.operand() + ")".repeat(this.int(depth + 2)),
      );
    }
    if (roll < 0.19)
      return JSON.stringify(
        "not ".repeat(50 + this.int(5000)) + this.operand(),
      );
    if (roll < 0.21) {
      const count = 200 + this.int(3000);
      const parts = Array.from({ length: count }, () => this.operand());
      return JSON.stringify(parts.join(this.pick([" and ", " or "])));
    }
    return JSON.stringify(this.condition(0));
  }

  private condition(depth: number): string {
    if (depth > 4 || this.chance(0.3)) return this.operand();
    const roll = this.random();
    if (roll < 0.3)
      return `${this.condition(depth + 1)} and ${this.condition(depth + 1)}`;
    if (roll < 0.55)
      return `${this.condition(depth + 1)} or ${this.condition(depth + 1)}`;
    if (roll < 0.7) return `not ${this.condition(depth + 1)}`;
    if (roll < 0.82) return `(${this.condition(depth + 1)})`;
    if (roll < 0.86) return `${this.condition(depth + 1)} | count(x) by y > 3`;
    if (roll < 0.9) return `${this.condition(depth + 1)} | nonsense`;
    return this.pick([
      "(",
      ")",
      "and",
      "or not",
      "AND",
      "Not",
      "1 of",
      "all of (",
      "|",
      "near x",
      "sel\u00a0and\u2003sel",
    ]);
  }

  private operand(): string {
    const roll = this.random();
    const name =
      this.names.length > 0 && this.chance(0.8)
        ? this.pick(this.names)
        : this.pick(["missing", "them", "of", "1", "all", "_helper0"]);
    if (roll < 0.5) return name;
    const quantifier = this.pick(["1", "all", "any", "2", "ALL"]);
    const pattern = this.pick([
      "them",
      "*",
      "sel*",
      "selection_*",
      "filter_*",
      "_*",
      "sel*main",
      "nothing*",
      "*".repeat(1 + this.int(200)),
      "s*e*l*e*c*t*i*o*n*_*0",
      name,
    ]);
    return `${quantifier} of ${pattern}`;
  }

  private filter(): string {
    this.names = [];
    const lines = [
      `title: filter ${this.int(3)}`,
      `id: f${this.int(3)}`,
      `logsource: ${this.pick(["{product: windows, category: process_creation}", "{}", "~"])}`,
      "filter:",
    ];
    if (!this.chance(0.1))
      lines.push(
        `  rules: ${this.pick(["[r0, r1]", "[missing]", "any", "r2", "~", "{a: b}", "[[r3]]"])}`,
      );
    const count = this.int(3);
    for (let i = 0; i < count; i++) {
      const name = `filter_${i}`;
      this.names.push(name);
      lines.push(`  ${name}:${this.body(2)}`);
    }
    if (!this.chance(0.1)) lines.push(`  condition: ${this.conditionValue()}`);
    return lines.join("\n");
  }

  private correlation(): string {
    const name = `r${this.int(5)}`;
    const type = this.pick([
      "event_count",
      "value_count",
      "temporal",
      "temporal_ordered",
      "value_sum",
      "value_percentile",
      "bogus",
      "~",
      "[event_count]",
    ]);
    const rules = this.pick([
      `[${name}]`,
      `[r0, r1, ${name}]`,
      "r3",
      "[]",
      "~",
      "[[r1], {a: b}, 5]",
    ]);
    const condition = this.pick([
      "{gte: 10}",
      "{gt: 1, lt: 5}",
      "{field: User, gte: 3}",
      "{field: [User, SrcIp], gt: 2}",
      "{gt: [1]}",
      "{bogus: 1}",
      "10",
      "~",
      "[gt]",
    ]);
    const lines = [
      `title: correlation ${name}`,
      `id: ${name}`,
      `name: ${name}`,
      "correlation:",
      `  type: ${type}`,
      `  rules: ${rules}`,
    ];
    if (this.chance(0.7))
      lines.push(
        `  group-by: ${this.pick(["[User]", "User", "~", "{a: b}", "[[a]]"])}`,
      );
    if (this.chance(0.8))
      lines.push(
        `  timespan: ${this.pick(["5m", "1h", "[1m]", "~", "{a: b}", "''"])}`,
      );
    if (this.chance(0.8)) lines.push(`  condition: ${condition}`);
    if (this.chance(0.1)) lines.push("  aliases: {x: {r0: a, r1: b}}");
    return lines.join("\n");
  }

  /** Deletes, duplicates or inserts a few characters, to break the YAML. */
  private mutate(text: string): string {
    let out = text;
    const edits = 1 + this.int(4);
    for (let i = 0; i < edits && out.length > 0; i++) {
      const at = this.int(out.length);
      const roll = this.random();
      if (roll < 0.4) out = out.slice(0, at) + out.slice(at + 1 + this.int(5));
      else if (roll < 0.7)
        out =
          out.slice(0, at) +
          this.pick([
            "'",
            '"',
            ":",
            "\n",
            "  ",
            "[",
            "&x ",
            "*x",
            "\\",
            "\t",
            "\ufeff",
          ]) +
          out.slice(at);
      else out = out.slice(0, at) + out.slice(at, at + 20) + out.slice(at);
    }
    return out;
  }
}

/** Checks that a span lies inside `text` and that its lines and columns agree. */
function checkSpan(
  span: Span | undefined,
  lines: LineIndex,
  where: string,
): void {
  assert.ok(span, `${where}: no span`);
  const length = lines.text.length;
  assert.ok(
    span.start >= 0 && span.start <= span.end && span.end <= length,
    `${where}: span ${span.start}-${span.end} outside a query of ${length} characters`,
  );
  assert.deepEqual(
    lines.span(span.start, span.end),
    span,
    `${where}: lines and columns disagree with offsets`,
  );
}

function checkLogic(node: LogicNode, analysis: Analysis, where: string): void {
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    switch (current.type) {
      case "and":
      case "or":
        stack.push(...current.children);
        break;
      case "not":
        stack.push(current.child);
        break;
      case "predicate":
        assert.ok(
          current.index >= 0 && current.index < analysis.predicates.length,
          `${where}: predicate ${current.index} missing`,
        );
        break;
      case "term":
        assert.ok(
          current.index >= 0 && current.index < analysis.searchTerms.length,
          `${where}: term ${current.index} missing`,
        );
        break;
      case "threshold":
        assert.ok(
          current.index >= 0 && current.index < analysis.thresholds.length,
          `${where}: threshold ${current.index} missing`,
        );
        break;
      default:
        break;
    }
  }
}

function checkAnalysis(analysis: Analysis, query: string, where: string): void {
  const lines = new LineIndex(query);
  for (const diagnostic of analysis.diagnostics)
    checkSpan(diagnostic.span, lines, `${where} diagnostic ${diagnostic.code}`);
  const stageCount = analysis.stages.length;
  analysis.stages.forEach((stage, index) => {
    assert.equal(
      stage.index,
      index,
      `${where}: stage ${index} has index ${stage.index}`,
    );
    checkSpan(stage.span, lines, `${where} stage ${index}`);
  });
  const items = [
    ...analysis.predicates.map((item) => ["predicate", item] as const),
    ...analysis.searchTerms.map((item) => ["term", item] as const),
    ...analysis.thresholds.map((item) => ["threshold", item] as const),
  ];
  for (const [kind, item] of items) {
    checkSpan(item.span, lines, `${where} ${kind}`);
    assert.ok(
      item.stage >= 0 && item.stage < stageCount,
      `${where}: ${kind} names stage ${item.stage} of ${stageCount}`,
    );
  }
  for (const reference of analysis.references) {
    if (reference.span) checkSpan(reference.span, lines, `${where} reference`);
    assert.ok(
      reference.stage < stageCount,
      `${where}: reference names stage ${reference.stage}`,
    );
  }
  checkLogic(analysis.logic, analysis, where);
}

/** Checks that a diagnostic about a file names the file, line and column. */
function checkFileDiagnostic(diagnostic: Diagnostic, where: string): void {
  assert.ok(diagnostic.file, `${where}: ${diagnostic.code} has no file`);
  assert.ok(
    Number.isInteger(diagnostic.line) && diagnostic.line! >= 1,
    `${where}: ${diagnostic.code} has no line`,
  );
  assert.ok(
    Number.isInteger(diagnostic.column) && diagnostic.column! >= 1,
    `${where}: ${diagnostic.code} has no column`,
  );
}

test("sigma fuzz: hostile files read and analyse without exceptions", () => {
  const fuzzer = new Fuzzer(SEED);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const text = fuzzer.file();
    const where = `iteration ${iteration}`;
    let content;
    try {
      content = readSigmaText(text, `fuzz-${iteration}.yml`);
      content.diagnostics.push(...applyFilters(content.rules, content.filters));
    } catch (error) {
      assert.fail(
        `${where}: reading threw ${String(error)}\n${text.slice(0, 2000)}`,
      );
    }
    for (const diagnostic of content.diagnostics)
      checkFileDiagnostic(diagnostic, where);
    for (const { record } of content.rules) {
      for (const diagnostic of record.diagnostics)
        checkFileDiagnostic(diagnostic, where);
      let analysis: Analysis;
      try {
        const result = sigmaLanguage.analyse({
          query: record.query,
          queryData: record.queryData,
        });
        analysis = result.value;
        inferSigmaCoverage(record, analysis);
      } catch (error) {
        assert.fail(
          `${where}: analysis threw ${String(error)}\n${text.slice(0, 2000)}`,
        );
      }
      checkAnalysis(analysis, record.query, where);
    }
  }
});

test("sigma fuzz: condition strings alone", () => {
  const fuzzer = new Fuzzer(SEED + 1);
  const prefix =
    "detection:\n  sel0: {a: b}\n  sel1main: [x]\n  _helper0: {c: d}\n  condition: ";
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const query =
      prefix + fuzzer.conditionOver(["sel0", "sel1main", "_helper0"]) + "\n";
    const where = `condition ${iteration}`;
    let analysis: Analysis;
    try {
      analysis = sigmaLanguage.analyse({ query }).value;
    } catch (error) {
      assert.fail(
        `${where}: analysis threw ${String(error)}\n${query.slice(0, 500)}`,
      );
    }
    checkAnalysis(analysis, query, where);
  }
});

test("sigma fuzz: detection sections analysed without the reader", () => {
  const fuzzer = new Fuzzer(SEED + 2);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const query = fuzzer.detection() + "\n";
    const where = `detection ${iteration}`;
    let analysis: Analysis;
    try {
      analysis = sigmaLanguage.analyse({ query }).value;
    } catch (error) {
      assert.fail(
        `${where}: analysis threw ${String(error)}\n${query.slice(0, 2000)}`,
      );
    }
    checkAnalysis(analysis, query, where);
  }
});
