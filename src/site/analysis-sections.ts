import { describePredicate } from "../analysis/format-text.ts";
import type {
  Analysis,
  LogicNode,
  Predicate,
  Reference,
  SearchTerm,
  Stage,
} from "../analysis/model.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import {
  diagnosticLocation,
  formatCorpusCount,
  groupIndicators,
  stageNumber,
} from "./format.ts";
import { html, type HtmlValue, type SafeHtml } from "./html.ts";
import { missing, section, table, valueCode, valueList } from "./section.ts";

/**
 * Renders the sections that show a rule's analysis, from its stages to its
 * macros and lookups, in page order.
 */
export function analysisSections(entry: CatalogEntry): SafeHtml {
  const { analysis } = entry;
  const matched = analysis.predicates.filter((p) => p.role !== "exclusion");
  const exclusions = analysis.predicates.filter((p) => p.role === "exclusion");
  const excludedTerms = analysis.searchTerms.filter(
    (term) => term.role === "exclusion",
  );

  return html`${stagesSection(analysis.stages, analysis.references)}
  ${predicatesSection(matched)}
  ${exclusionsSection(exclusions, excludedTerms, analysis)}
  ${thresholdsSection(entry)} ${logicSection(analysis)}
  ${indicatorsSection(entry)} ${searchTermsSection(analysis.searchTerms)}
  ${referencesSection(entry)}`;
}

function logicSection(analysis: Analysis): SafeHtml {
  const body =
    analysis.logic.type === "true"
      ? undefined
      : html`<ul class="logic">
          ${logicItem(analysis, analysis.logic)}
        </ul>`;
  return section(
    "logic",
    "Logic",
    body,
    "How the rule combines its predicates, search terms and thresholds. " +
      "Consecutive filter stages are combined with AND.",
  );
}

function logicItem(analysis: Analysis, node: LogicNode): SafeHtml {
  switch (node.type) {
    case "and":
    case "or":
      return html`<li>
        <span class="logic-operator">${node.type.toUpperCase()}</span>
        <ul>
          ${node.children.map((child) => logicItem(analysis, child))}
        </ul>
      </li>`;
    case "not":
      return html`<li>
        <span class="logic-operator">NOT</span>
        <ul>
          ${logicItem(analysis, node.child)}
        </ul>
      </li>`;
    case "predicate": {
      const predicate = analysis.predicates[node.index];
      if (!predicate) return html`<li>unknown predicate</li>`;
      // The tree carries negation in its NOT nodes, so the predicate is
      // shown without its own negated flag. Each value is its own code
      // element, so quotes and trailing backslashes in values stay clear.
      const values =
        predicate.values.length > 0
          ? html` ${valueList(predicate.values)}`
          : undefined;
      return html`<li>
        <code>${predicate.field}</code> ${predicate.kind}${values}
      </li>`;
    }
    case "term": {
      const term = analysis.searchTerms[node.index];
      return html`<li>term ${term ? termCode(term) : "unknown"}</li>`;
    }
    case "threshold": {
      const threshold = analysis.thresholds[node.index];
      return html`<li>
        threshold <code>${threshold?.text ?? "unknown"}</code>
      </li>`;
    }
    case "opaque":
      return html`<li>not analysed: <code>${node.label}</code></li>`;
    case "true":
      return html`<li>matches every event</li>`;
    default: {
      const unexpected: never = node;
      throw new Error(`unknown logic node ${JSON.stringify(unexpected)}`);
    }
  }
}

function stagesSection(
  stages: readonly Stage[],
  references: readonly Reference[],
): SafeHtml {
  const rows = stages.map((stage) => [
    stageNumber(stage.index),
    stageCommand(stage),
    stageText(stage, references),
  ]);
  return section("stages", "Stages", table(["Stage", "Command", "Text"], rows));
}

function stageCommand(stage: Stage): SafeHtml {
  if (!stage.macro) return html`<code>${stage.command}</code>`;
  const args =
    stage.macro.arguments.length > 0
      ? `(${stage.macro.arguments.join(", ")})`
      : "";
  return html`macro <code class="macro-name">${stage.macro.name}${args}</code>`;
}

function stageText(stage: Stage, references: readonly Reference[]): SafeHtml {
  const text = html`<pre class="stage-text"><code>${stage.text}</code></pre>
    ${stageDetails(stage)}`;
  if (!stage.macro) return text;
  const name = stage.macro.name;
  const status = references.find(
    (reference) =>
      reference.kind === "macro" &&
      reference.name === name &&
      reference.stage === stage.index,
  )?.status;
  if (status === "tuning-hook") {
    // Same wording as the macros table, so one macro has one status.
    return html`${text}
      <p class="expansion">
        Expansion: ${missing(REFERENCE_STATUS.get("tuning-hook"))}
      </p>`;
  }
  if (stage.macro.expansion === undefined) {
    return html`${text}
      <p class="expansion">Expansion: ${missing("definition unknown")}</p>`;
  }
  if (stage.macro.expansion.trim() === "") {
    return html`${text}
      <p class="expansion">Expansion: ${missing("empty definition")}</p>`;
  }
  return html`${text}
    <p class="expansion">Expands to:</p>
    <pre class="stage-expansion"><code>${stage.macro.expansion}</code></pre>`;
}

/** Renders the grouping, time window and branch of a stage, when it has them. */
function stageDetails(stage: Stage): SafeHtml | undefined {
  const details: SafeHtml[] = [];
  if (stage.alternative !== undefined) {
    details.push(html`<li>branch ${stage.alternative + 1} of an OR</li>`);
  }
  if (stage.groupBy && stage.groupBy.length > 0) {
    details.push(html`<li>grouped by ${valueList(stage.groupBy)}</li>`);
  }
  if (stage.timespan) {
    details.push(html`<li>time window ${valueCode(stage.timespan)}</li>`);
  }
  if (details.length === 0) return undefined;
  return html`<ul class="stage-details">
    ${details}
  </ul>`;
}

function predicateRow(predicate: Predicate): HtmlValue[] {
  return [
    stageNumber(predicate.stage),
    html`<code>${predicate.field}</code>`,
    predicate.canonicalField
      ? html`<code>${predicate.canonicalField}</code>`
      : missing("not mapped"),
    predicate.kind,
    predicateValues(predicate),
    predicate.caseSensitive ? "case-sensitive" : "case-insensitive",
    predicate.negated ? "yes" : "no",
    itemOrigin(predicate),
  ];
}

function predicateValues(predicate: Predicate): SafeHtml {
  if (predicate.kind === "exists") return missing("any value");
  if (predicate.values.length === 0) return missing("no value");
  return valueList(predicate.values);
}

const ORIGIN_LABELS = new Map([
  ["xml-event-id", "XML-rendered event id"],
  ["term", "TERM() directive"],
  ["subsearch", "subsearch"],
]);

/** Renders where a predicate or term came from and how its values are read. */
function itemOrigin(item: {
  macro?: string;
  origin?: string;
  modifiers?: string[];
  encodings?: string[];
}): SafeHtml | string {
  const parts: SafeHtml[] = [];
  if (item.macro) parts.push(html`macro <code>${item.macro}</code>`);
  if (item.origin) {
    parts.push(html`${ORIGIN_LABELS.get(item.origin) ?? item.origin}`);
  }
  if (item.modifiers && item.modifiers.length > 0) {
    parts.push(html`modifiers ${valueList(item.modifiers)}`);
  }
  if (item.encodings && item.encodings.length > 0) {
    parts.push(html`encoded as ${valueList(item.encodings)}`);
  }
  if (parts.length === 0) return "query";
  return html`${parts.map((part, i) => (i > 0 ? html`; ${part}` : part))}`;
}

const PREDICATE_HEADERS = [
  "Stage",
  "Field as written",
  "Canonical field",
  "Kind",
  "Values",
  "Case",
  "Negated",
  "From",
];

function predicatesSection(predicates: readonly Predicate[]): SafeHtml {
  return section(
    "predicates",
    "Predicates",
    table(PREDICATE_HEADERS, predicates.map(predicateRow)),
    "Field comparisons the rule matches on.",
  );
}

function exclusionsSection(
  predicates: readonly Predicate[],
  terms: readonly SearchTerm[],
  analysis: Analysis,
): SafeHtml {
  const groups = exclusionGroups(analysis);
  const predicateRows = predicates.map((predicate) => {
    const group = groups.get(analysis.predicates.indexOf(predicate));
    const text = group ?? excludedWhen(predicate);
    return [html`<code>${text}</code>`, ...predicateRow(predicate)];
  });
  const termRows = terms.map((term) => [
    html`<code
      >${term.negated ? "raw text has" : "raw text lacks"}
      ${termCode(term)}</code
    >`,
    stageNumber(term.stage),
    missing("raw event text"),
    missing("not mapped"),
    "term",
    termCode(term),
    term.directive === "CASE" ? "case-sensitive" : "case-insensitive",
    term.negated ? "yes" : "no",
    itemOrigin(term),
  ]);
  return section(
    "exclusions",
    "Exclusions",
    table(
      ["Leaves out events where", ...PREDICATE_HEADERS],
      [...predicateRows, ...termRows],
    ),
    "Events the rule deliberately leaves out; these are never indicators. " +
      "Negated says whether the rule negates the comparison in the row.",
  );
}

/**
 * Finds the exclusions that are left out together. A NOT whose child tests
 * several predicates, such as a Sigma filter that needs both a process name
 * and an access mask, maps each of those predicates to the child's whole
 * condition. Single comparisons are not in the map; `excludedWhen`
 * describes them.
 */
function exclusionGroups(analysis: Analysis): Map<number, string> {
  const groups = new Map<number, string>();
  const pending: LogicNode[] = [analysis.logic];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === "and" || node.type === "or") {
      pending.push(...node.children);
      continue;
    }
    if (node.type !== "not") continue;
    const members = predicatesIn(node.child);
    if (members.length < 2) continue;
    const text = conditionText(analysis, node.child);
    for (const index of members) groups.set(index, text);
  }
  return groups;
}

function predicatesIn(root: LogicNode): number[] {
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === "predicate") found.push(node.index);
    else if (node.type === "and" || node.type === "or")
      pending.push(...node.children);
    else if (node.type === "not") pending.push(node.child);
  }
  return found;
}

/** Writes a logic subtree as one line: `a eq "1" AND (b eq "2" OR c is missing)`. */
function conditionText(analysis: Analysis, node: LogicNode, depth = 0): string {
  // Nesting is bounded by the parsers; the cap keeps a hostile tree short.
  if (depth > 50) return "…";
  switch (node.type) {
    case "and":
    case "or": {
      const parts = node.children.map((child) => {
        const text = conditionText(analysis, child, depth + 1);
        return child.type === "and" || child.type === "or" ? `(${text})` : text;
      });
      return parts.join(` ${node.type.toUpperCase()} `);
    }
    case "not": {
      const child = node.child;
      if (child.type === "predicate") {
        const predicate = analysis.predicates[child.index];
        if (predicate?.kind === "exists")
          return `${predicate.field} is missing`;
      }
      return `NOT (${conditionText(analysis, child, depth + 1)})`;
    }
    case "predicate": {
      const predicate = analysis.predicates[node.index];
      return predicate
        ? describePredicate({ ...predicate, negated: false })
        : "unknown";
    }
    case "term": {
      const term = analysis.searchTerms[node.index];
      return term ? `raw text has "${term.text}"` : "unknown";
    }
    case "threshold":
      return analysis.thresholds[node.index]?.text ?? "unknown";
    case "opaque":
      return node.label;
    case "true":
      return "any event";
    default: {
      const unexpected: never = node;
      throw new Error(`unknown logic node ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * Describes the events an exclusion leaves out. A negated comparison
 * leaves out the events it matches (`NOT user=SYSTEM`). One that is not
 * negated leaves out the events it fails on: SPL `f!=v` also drops events
 * without `f`, and a Sigma `not` over `f: null` drops events missing `f`.
 */
export function excludedWhen(predicate: Predicate): string {
  const values = predicate.values.map((value) => `"${value}"`).join(", ");
  const comparison = `${predicate.field} ${predicate.kind}${values ? ` ${values}` : ""}`;
  if (predicate.negated) return comparison;
  switch (predicate.kind) {
    case "ne":
      return `${predicate.field} eq ${values}, or ${predicate.field} is missing`;
    case "exists":
      return `${predicate.field} is missing`;
    default:
      return `NOT (${comparison})`;
  }
}

function thresholdsSection(entry: CatalogEntry): SafeHtml {
  const rows = entry.analysis.thresholds.map((threshold) => [
    stageNumber(threshold.stage),
    html`<code>${threshold.field}</code>`,
    html`<code>${threshold.operator}</code>`,
    valueCode(threshold.value),
    html`<code>${threshold.text}</code>`,
  ]);
  return section(
    "thresholds",
    "Thresholds",
    table(["Stage", "Field", "Operator", "Value", "Condition"], rows),
    "Conditions on values the query computed itself; these are never indicators.",
  );
}

function indicatorsSection(entry: CatalogEntry): SafeHtml {
  const rows = groupIndicators(entry.indicators).flatMap((group) =>
    group.map((indicator) => {
      const encoded = indicator.encodings
        ? html` <span class="encoded"
            >encoded as ${indicator.encodings.join(", ")}</span
          >`
        : undefined;
      const value =
        indicator.kind === "exists"
          ? missing("any value")
          : html`${valueCode(indicator.value)}${encoded}`;
      return [
        indicator.field === ""
          ? missing("raw event text")
          : html`<code>${indicator.field}</code>`,
        indicator.canonicalField
          ? html`<code>${indicator.canonicalField}</code>`
          : missing("not mapped"),
        indicator.kind,
        value,
        formatCorpusCount(indicator),
      ];
    }),
  );
  return section(
    "indicators",
    "Indicators",
    table(["Field", "Canonical field", "Kind", "Value", "Corpus"], rows),
    "Each row is a field, a kind of comparison and a value the rule matches. " +
      "The corpus count is the number of other rules in this catalog with the " +
      "same indicator, in total and per source; rules meet on the canonical " +
      "field, so the same indicator counts across query languages.",
  );
}

function termCode(term: SearchTerm): SafeHtml {
  return valueCode(term.phrase ? `"${term.text}"` : term.text);
}

function searchTermsSection(terms: readonly SearchTerm[]): SafeHtml {
  const rows = terms.map((term) => [
    stageNumber(term.stage),
    termCode(term),
    term.directive
      ? html`<span class="directive">${term.directive}()</span>`
      : missing("none"),
    term.match ?? missing("language default"),
    term.negated ? "yes" : "no",
    itemOrigin(term),
  ]);
  return section(
    "search-terms",
    "Search terms",
    table(["Stage", "Term", "Directive", "Match", "Negated", "From"], rows),
    "Bare words and phrases matched anywhere in the raw event text, not in " +
      "one field. A TERM() or CASE() wrapper is a directive, shown in its own " +
      "column, and never a search word.",
  );
}

const REFERENCE_STATUS = new Map<string, string>([
  ["expanded", "expanded"],
  ["unknown", "definition unknown"],
  ["tuning-hook", "tuning hook (empty, for local exclusions)"],
]);

function referencesSection(entry: CatalogEntry): SafeHtml {
  const rows = entry.analysis.references.map((reference) => [
    stageNumber(reference.stage),
    reference.kind,
    html`<code>${reference.name}</code>`,
    reference.arguments && reference.arguments.length > 0
      ? valueList(reference.arguments)
      : missing("none"),
    reference.status
      ? (REFERENCE_STATUS.get(reference.status) ?? reference.status)
      : missing("not applicable"),
  ]);
  return section(
    "macros-lookups",
    "Macros and lookups",
    table(["Stage", "Kind", "Name", "Arguments", "Status"], rows),
    "Macros, lookups, data models, indexes and source types the query uses.",
  );
}

/** Renders the diagnostics of the rule's reader and of its analysis. */
export function diagnosticsSection(entry: CatalogEntry): SafeHtml {
  const diagnostics = [
    ...entry.rule.diagnostics,
    ...entry.analysis.diagnostics,
  ];
  const rows = diagnostics.map((diagnostic) => [
    html`<span class="severity severity-${diagnostic.severity}"
      >${diagnostic.severity}</span
    >`,
    html`<code>${diagnostic.code}</code>`,
    diagnosticLocation(diagnostic),
    diagnostic.message,
  ]);
  return section(
    "diagnostics",
    "Diagnostics",
    table(["Severity", "Code", "Line:column", "Message"], rows),
  );
}
