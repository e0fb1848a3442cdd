import { isMap, isScalar, isSeq, type Node } from "yaml";
import {
  emptyAnalysis,
  type Analysis,
  type LogicNode,
} from "../../analysis/model.ts";
import type { Result } from "../../core/diagnostic.ts";
import { LineIndex } from "../../core/span.ts";
import { SectionReader } from "./detection.ts";
import type { SigmaQueryData } from "./types.ts";

/** Correlation types of Sigma 2.0 and the metric types Sigma 2.1 added. */
const COUNTING_TYPES = ["event_count", "value_count"];
const TEMPORAL_TYPES = ["temporal", "temporal_ordered"];
const METRIC_TYPES = [
  "value_sum",
  "value_avg",
  "value_percentile",
  "value_median",
];
const CONDITION_OPERATORS = ["gt", "gte", "lt", "lte", "eq", "neq"];

/**
 * Analyses a `correlation:` section. Each referenced rule is a stage with a
 * `rule` reference. A last stage named by the correlation type carries the
 * group-by fields and timespan, and its condition becomes thresholds on the
 * computed count or metric. Temporal types need all rules (AND), the others
 * count events of any of them (OR).
 */
export function analyseCorrelation(
  query: string,
  data: SigmaQueryData,
): Result<Analysis> {
  const analysis = emptyAnalysis("sigma");
  const lines = new LineIndex(query);
  const section =
    data.sections.find((candidate) => candidate.role === "correlation") ??
    data.sections[0];
  const reader = new SectionReader(query, section, lines);
  analysis.diagnostics.push(...reader.diagnostics);
  if (reader.key !== "correlation" || !reader.map) {
    analysis.diagnostics.push({
      severity: "error",
      code: "sigma-section-key",
      message: "expected a `correlation:` section",
      span: reader.keySpan,
    });
    return { value: analysis, diagnostics: analysis.diagnostics };
  }

  const error = (
    node: Node | null | undefined,
    code: string,
    message: string,
  ): void => {
    reader.error(node, code, message);
    analysis.diagnostics.push(reader.diagnostics.pop()!);
  };
  const strings = (node: Node | null | undefined): string[] => {
    if (!node) return [];
    if (isScalar(node)) return [String(node.value)];
    if (isSeq(node))
      return node.items.filter(isScalar).map((item) => String(item.value));
    return [];
  };

  const typePair = reader.get("type");
  const type =
    typePair && isScalar(typePair.value) ? String(typePair.value.value) : "";
  const known = [...COUNTING_TYPES, ...TEMPORAL_TYPES, ...METRIC_TYPES];
  if (!known.includes(type)) {
    error(
      typePair?.value ?? null,
      "sigma-correlation-type",
      `unknown correlation type \`${type}\`; expected one of ${known.join(", ")}`,
    );
  }

  const rulesPair = reader.get("rules");
  const rules = strings(rulesPair?.value);
  if (rules.length === 0)
    error(
      rulesPair?.value ?? null,
      "sigma-correlation-rules",
      "correlation names no rules under `rules`",
    );
  const rulesNode = rulesPair?.value;
  const ruleItems =
    rulesNode && isSeq(rulesNode)
      ? rulesNode.items
      : rulesNode
        ? [rulesNode]
        : [];

  const logicRules: LogicNode[] = [];
  for (const item of ruleItems) {
    if (!isScalar(item)) {
      error(
        item as Node,
        "sigma-correlation-rules",
        "each entry of `rules` must be a rule id or name",
      );
      continue;
    }
    const name = String(item.value);
    const span = reader.nodeSpan(item);
    const stage = analysis.stages.length;
    analysis.stages.push({
      index: stage,
      command: "rule",
      text: name,
      span,
      filters: true,
    });
    analysis.references.push({ kind: "rule", name, stage, span });
    logicRules.push({ type: "opaque", label: `rule ${name}` });
  }

  const groupBy = strings(reader.get("group-by")?.value);
  const timespanPair = reader.get("timespan");
  const timespanValue =
    timespanPair && isScalar(timespanPair.value)
      ? timespanPair.value.value
      : undefined;
  const timespan =
    timespanValue === null || timespanValue === undefined
      ? undefined
      : String(timespanValue) || undefined;
  if (!timespan)
    error(
      timespanPair?.value ?? null,
      "sigma-correlation-timespan",
      "correlation has no `timespan`; write one such as `timespan: 5m`",
    );
  else if (!/^\d+[smhd]$/.test(timespan)) {
    // The specification allows a number and one of s, m, h or d.
    const node = timespanPair?.value;
    analysis.diagnostics.push({
      severity: "warning",
      code: "sigma-correlation-timespan",
      message: `\`timespan: ${timespan}\` is not a number followed by s, m, h or d, such as \`90m\``,
      span: node ? reader.nodeSpan(node) : reader.keySpan,
    });
  }

  const stage = analysis.stages.length;
  analysis.stages.push({
    index: stage,
    command: type || "correlation",
    text: query.slice(section.start, section.end),
    span: lines.span(section.start, section.end),
    filters: true,
    groupBy: groupBy.length > 0 ? groupBy : undefined,
    timespan,
  });

  const thresholds: LogicNode[] = [];
  const conditionPair = reader.get("condition");
  const condition = conditionPair?.value;
  const fieldPair = reader.get("field");
  let fields = strings(fieldPair?.value);
  if (condition && isMap(condition)) {
    for (const item of condition.items) {
      const key = isScalar(item.key) ? String(item.key.value) : "";
      if (key === "field") {
        fields = strings(item.value as Node);
        continue;
      }
      if (!CONDITION_OPERATORS.includes(key)) {
        error(
          item.key as Node,
          "sigma-correlation-condition",
          `unknown condition operator \`${key}\`; expected one of ${CONDITION_OPERATORS.join(", ")}`,
        );
        continue;
      }
      const valueNode = item.value as Node;
      const value = isScalar(valueNode) ? String(valueNode.value ?? "") : "";
      if (value === "" || Number.isNaN(Number(value))) {
        error(
          valueNode ?? (item.key as Node),
          "sigma-correlation-condition",
          `\`${key}\` needs a number, such as \`${key}: 10\``,
        );
      }
      const span = reader.span(
        item.key && (item.key as Node).range ? (item.key as Node).range![0] : 0,
        valueNode?.range?.[1] ?? 0,
      );
      analysis.thresholds.push({
        field: "",
        operator: key,
        value,
        text: query.slice(span.start, span.end),
        stage,
        span,
      });
      thresholds.push({
        type: "threshold",
        index: analysis.thresholds.length - 1,
      });
    }
  } else if (condition) {
    error(
      condition,
      "sigma-correlation-condition",
      "correlation `condition` must be a map such as `gte: 10`",
    );
  } else if (!TEMPORAL_TYPES.includes(type)) {
    error(
      null,
      "sigma-correlation-condition",
      `a \`${type}\` correlation needs a \`condition\``,
    );
  }

  const needsField = type === "value_count" || METRIC_TYPES.includes(type);
  if (needsField && fields.length === 0) {
    error(
      conditionPair?.value ?? null,
      "sigma-correlation-field",
      `a \`${type}\` correlation needs \`field\` in its condition`,
    );
  }
  const measured =
    type === "event_count" || TEMPORAL_TYPES.includes(type)
      ? "count"
      : `${type}(${fields.join(", ")})`;
  for (const threshold of analysis.thresholds) threshold.field = measured;

  let combined: LogicNode = { type: "true" };
  if (logicRules.length === 1) combined = logicRules[0];
  else if (logicRules.length > 1) {
    const join = TEMPORAL_TYPES.includes(type) ? "and" : "or";
    combined = { type: join, children: logicRules };
  }
  analysis.logic =
    thresholds.length === 0
      ? combined
      : { type: "and", children: [combined, ...thresholds] };
  return { value: analysis, diagnostics: analysis.diagnostics };
}
