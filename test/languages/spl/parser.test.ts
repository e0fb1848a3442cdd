import { test } from "node:test";
import assert from "node:assert/strict";
import type { Command } from "../../../src/languages/spl/ast.ts";
import { parseSpl } from "../../../src/languages/spl/index.ts";

/** Parses a query that must give no error and returns its commands. */
function commands(query: string): Command[] {
  const result = parseSpl(query);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  assert.deepEqual(errors, [], `errors in ${query}`);
  return result.value.commands;
}

function only<T extends Command["type"]>(
  query: string,
  type: T,
): Extract<Command, { type: T }> {
  const [command] = commands(query);
  assert.equal(command.type, type);
  return command as Extract<Command, { type: T }>;
}

test("pipeline splits at top-level pipes", () => {
  const parsed = commands('a "b|c" [search d | e] ```f|g``` | stats count');
  assert.deepEqual(
    parsed.map((command) => command.name),
    ["search", "stats"],
  );
});

test("implicit and explicit search", () => {
  const implicit = only("a b", "search");
  assert.equal(implicit.implicit, true);
  const explicit = only("search a", "search");
  assert.equal(explicit.implicit, undefined);
});

test("tstats arguments", () => {
  const tstats = only(
    "| tstats summariesonly=true allow_old_summaries=true count min(_time) as firstTime from datamodel=Endpoint.Processes where Processes.process_name=a.exe by Processes.dest Processes.user span=1h",
    "tstats",
  );
  assert.equal(tstats.datamodel?.value, "Endpoint.Processes");
  assert.deepEqual(
    tstats.options.map((option) => `${option.name}=${option.value.value}`),
    ["summariesonly=true", "allow_old_summaries=true", "span=1h"],
  );
  assert.deepEqual(
    tstats.aggregations.map((a) => `${a.function}:${a.output}`),
    ["count:count", "min:firstTime"],
  );
  assert.deepEqual(
    tstats.by.map((field) => field.name),
    ["Processes.dest", "Processes.user"],
  );
  assert.equal(tstats.where?.type, "comparison");
});

test("tstats macro options", () => {
  const tstats = only(
    "| tstats `security_content_summariesonly` count from datamodel=Web by Web.src",
    "tstats",
  );
  assert.deepEqual(
    tstats.macros.map((macro) => macro.name),
    ["security_content_summariesonly"],
  );
  assert.equal(tstats.datamodel?.value, "Web");
});

test("stats family aggregations", () => {
  for (const name of [
    "stats",
    "eventstats",
    "streamstats",
    "chart",
    "timechart",
  ]) {
    const stats = only(
      `| ${name} count dc(user) as users values(*) as * by host, src`,
      "stats",
    );
    assert.equal(stats.name, name);
    assert.deepEqual(
      stats.aggregations.map(
        (a) => `${a.function}(${a.arguments.join(",")})->${a.output}`,
      ),
      ["count()->count", "dc(user)->users", "values(*)->*"],
    );
    assert.deepEqual(
      stats.by.map((field) => field.name),
      ["host", "src"],
    );
  }
});

test("stats eval inside an aggregation", () => {
  const stats = only('| stats count(eval(status="500")) as errors', "stats");
  assert.deepEqual(stats.aggregations[0].arguments, ['eval(status="500")']);
  assert.equal(stats.aggregations[0].output, "errors");
});

test("eval assignments", () => {
  const evaluation = only('| eval a=1, b=if(x="y", "1", "0"), c=a.b', "eval");
  assert.deepEqual(
    evaluation.assignments.map((assignment) => assignment.field.name),
    ["a", "b", "c"],
  );
  assert.equal(evaluation.assignments[1].expression.type, "call");
  const concat = evaluation.assignments[2].expression;
  assert.equal(concat.type, "field");
});

test("eval concatenation operator", () => {
  const evaluation = only('| eval full = site." ".uri_path', "eval");
  const expression = evaluation.assignments[0].expression;
  assert.equal(expression.type, "binary");
  assert.equal(expression.type === "binary" && expression.operator, ".");
});

test("where expression tree", () => {
  const where = only('| where a>1 AND (b="x" OR NOT c)', "where");
  assert.equal(where.expression?.type, "binary");
});

test("rex and regex", () => {
  const rex = only('| rex field=CommandLine max_match=0 "(?<x>\\d+)"', "rex");
  assert.deepEqual(
    rex.options.map((option) => option.name),
    ["field", "max_match"],
  );
  assert.equal(rex.pattern?.value, "(?<x>\\d+)");
  const regex = only('| regex process!="(?i)a|b"', "regex");
  assert.equal(regex.field, "process");
  assert.equal(regex.negated, true);
  assert.equal(regex.pattern?.value, "(?i)a|b");
  const raw = only('| regex "evil"', "regex");
  assert.equal(raw.field, "_raw");
});

test("lookup, inputlookup and outputlookup", () => {
  const lookup = only(
    "| lookup local=true dnslookup clientip as src_ip, host OUTPUTNEW clienthost as src_dns",
    "lookup",
  );
  assert.equal(lookup.table?.value, "dnslookup");
  assert.deepEqual(
    lookup.inputs.map((rename) => `${rename.from.name}>${rename.to.name}`),
    ["clientip>src_ip", "host>host"],
  );
  assert.deepEqual(
    lookup.outputs.map((rename) => `${rename.from.name}>${rename.to.name}`),
    ["clienthost>src_dns"],
  );
  const input = only(
    '| inputlookup append=t users.csv where dept="x"',
    "inputlookup",
  );
  assert.equal(input.table?.value, "users.csv");
  assert.equal(input.where?.type, "comparison");
  const output = only("| outputlookup results.csv", "inputlookup");
  assert.equal(output.name, "outputlookup");
});

test("field lists", () => {
  const table = only("| table _time, host user", "field-list");
  assert.deepEqual(
    table.fields.map((field) => field.name),
    ["_time", "host", "user"],
  );
  const fields = only("| fields - _raw, punct", "field-list");
  assert.equal(fields.mode, "-");
  assert.deepEqual(
    fields.fields.map((field) => field.name),
    ["_raw", "punct"],
  );
  const dedup = only("| dedup 3 host consecutive=true", "field-list");
  assert.deepEqual(
    dedup.fields.map((field) => field.name),
    ["host"],
  );
  const mvexpand = only("| mvexpand values limit=5", "field-list");
  assert.deepEqual(
    mvexpand.fields.map((field) => field.name),
    ["values"],
  );
  const spath = only("| spath input=json path=a.b output=c", "field-list");
  assert.deepEqual(
    spath.options.map((option) => option.name),
    ["input", "path", "output"],
  );
  const makeresults = only("| makeresults count=5", "field-list");
  assert.equal(makeresults.options[0].value.value, "5");
});

test("rename pairs", () => {
  const rename = only('| rename a as b, "c d" AS e, f.* as *', "rename");
  assert.deepEqual(
    rename.renames.map((pair) => `${pair.from.name}>${pair.to.name}`),
    ["a>b", "c d>e", "f.*>*"],
  );
});

test("bin, bucket, sort, head, tail, fillnull", () => {
  const bin = only("| bin _time span=1h", "bin");
  assert.equal(bin.field?.name, "_time");
  assert.equal(bin.options[0].value.value, "1h");
  const bucket = only("| bucket span=5m _time", "bin");
  assert.equal(bucket.name, "bucket");
  const sort = only("| sort 10 - count, +host, -user", "sort");
  assert.equal(sort.limit, "10");
  assert.deepEqual(
    sort.keys.map((key) => `${key.descending ? "-" : "+"}${key.field.name}`),
    ["-count", "+host", "-user"],
  );
  assert.equal(only("| head 10", "limit").count, "10");
  assert.equal(only("| tail 3", "limit").name, "tail");
  const fillnull = only("| fillnull value=0 a b", "fillnull");
  assert.deepEqual(
    fillnull.fields.map((field) => field.name),
    ["a", "b"],
  );
});

test("join and append subsearches", () => {
  const join = only(
    "| join type=left user [search index=hr | fields user]",
    "subsearch-command",
  );
  assert.deepEqual(
    join.fields.map((field) => field.name),
    ["user"],
  );
  assert.equal(join.subsearch?.pipeline.commands.length, 2);
  const append = only("| append [| inputlookup x.csv]", "subsearch-command");
  assert.equal(append.subsearch?.pipeline.commands[0].type, "inputlookup");
});

test("convert and transaction", () => {
  const convert = only(
    "| convert timeformat=%Y ctime(firstTime) as first",
    "convert",
  );
  assert.deepEqual(
    convert.conversions.map((c) => `${c.function}:${c.output}`),
    ["ctime:first"],
  );
  const transaction = only("| transaction host user maxspan=5m", "transaction");
  assert.deepEqual(
    transaction.fields.map((field) => field.name),
    ["host", "user"],
  );
  assert.equal(transaction.options[0].name, "maxspan");
});

test("unknown command stays generic", () => {
  const generic = only('| collect index="summary" marker', "generic");
  assert.equal(generic.name, "collect");
  assert.deepEqual(
    generic.arguments.map((argument) => argument.type),
    ["option", "argument"],
  );
});

test("macro stage and macro term", () => {
  const [search, stage] = commands("`sysmon` a | `x_filter`");
  assert.equal(search.type, "search");
  assert.equal(search.type === "search" && search.expression?.type, "and");
  assert.equal(stage.type, "macro-command");
  const withArgs = only('| `m(a, "b,c")`', "macro-command");
  assert.deepEqual(withArgs.macro.arguments, ["a", '"b,c"']);
});

test("comments are kept apart", () => {
  const result = parseSpl("a ```one``` b ```two\nlines```");
  assert.deepEqual(
    result.value.comments.map((comment) => comment.text),
    ["one", "two\nlines"],
  );
  assert.equal(result.value.comments[1].span.endLine, 2);
});

test("every node has a span inside the query", () => {
  const query =
    "`m` a=1 (b OR NOT c) d IN (1,2) TERM(x) [search e] | where f>1 | eval g=h+1 | stats count by i";
  const result = parseSpl(query);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== "object") return;
    const node = value as Record<string, unknown>;
    if (typeof node.type === "string" && node.type !== "field-reference") {
      const span = node.span as { start: number; end: number } | undefined;
      assert.ok(span, `${node.type} has no span`);
      assert.ok(span.start >= 0, `${node.type} starts before the query`);
      assert.ok(span.end <= query.length, `${node.type} ends after the query`);
      assert.ok(span.start <= span.end, `${node.type} ends before it starts`);
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== "span") visit(child);
    }
  };
  visit(result.value);
});
