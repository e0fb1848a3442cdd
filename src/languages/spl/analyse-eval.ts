import type { LogicNode, PredicateKind } from "../../analysis/model.ts";
import type { EvalBinary, EvalCall, EvalExpression, MacroCall } from "./ast.ts";
import { combine, negate, type AnalysisBuilder, type Scope } from "./scope.ts";
import {
  classifyPattern,
  isCidr,
  likeToWildcard,
  patternNeedle,
  sortValues,
} from "./values.ts";

const COMPARISON_KINDS: Record<string, PredicateKind> = {
  "=": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
};

/** The operator seen from the other side: `5 < x` is `x > 5`. */
const MIRRORED: Record<string, string> = {
  "=": "=",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

export interface EvalHooks {
  /** Expands a macro written inside the expression. */
  whereMacro(call: MacroCall, scope: Scope): LogicNode;
  /** Analyses the string argument of `searchmatch()` as a search. */
  searchmatch(text: string, call: EvalCall, scope: Scope): LogicNode;
}

/**
 * Turns a `where` expression into logic. Comparisons are case-sensitive
 * here and `=` does not wildcard. A condition on a field that an earlier
 * command computed is a threshold, not a predicate.
 */
export function analyseEval(
  builder: AnalysisBuilder,
  hooks: EvalHooks,
  expression: EvalExpression,
  scope: Scope,
): LogicNode {
  const visit = (node: EvalExpression, inner: Scope): LogicNode => {
    switch (node.type) {
      case "group":
        return visit(node.expression, inner);
      case "unary":
        if (node.operator === "NOT" || node.operator === "!") {
          const flipped = { ...inner, negated: !inner.negated };
          return negate(visit(node.operand, flipped));
        }
        return opaque(node, inner);
      case "binary":
        if (node.operator === "AND" || node.operator === "OR") {
          return combine(
            node.operator === "AND" ? "and" : "or",
            chainOperands(node).map((operand) => visit(operand, inner)),
          );
        }
        if (node.operator === "LIKE") {
          if (readsComputed(node, inner)) {
            return threshold(
              builder,
              node.left,
              "LIKE",
              [node.right],
              node,
              inner,
            );
          }
          return like(builder, node.left, node.right, node, inner);
        }
        if (node.operator in COMPARISON_KINDS) {
          return comparison(builder, node, inner);
        }
        return opaque(node, inner);
      case "call":
        if (readsComputed(node, inner)) {
          const name = node.name.toLowerCase();
          // cidrmatch takes the network first and the tested value second.
          const args =
            name === "cidrmatch" && node.arguments.length === 2
              ? [node.arguments[1], node.arguments[0]]
              : node.arguments;
          const [subject, ...rest] = args;
          if (subject) {
            return threshold(builder, subject, name, rest, node, inner);
          }
        }
        return call(builder, hooks, node, inner);
      case "in": {
        if (readsComputed(node, inner)) {
          const operator = node.negated ? "NOT IN" : "IN";
          return threshold(
            builder,
            node.operand,
            operator,
            node.values,
            node,
            inner,
          );
        }
        const field = fieldName(node.operand);
        const values = node.values.map(literalText);
        if (field === undefined || values.some((v) => v === undefined)) {
          return opaque(node, inner);
        }
        const scoped = node.negated
          ? { ...inner, negated: !inner.negated }
          : inner;
        const predicate = builder.addPredicate(
          scoped,
          node.span,
          field,
          "in",
          sortValues(values as string[]),
          { caseSensitive: true },
        );
        return node.negated ? negate(predicate) : predicate;
      }
      case "macro":
        return hooks.whereMacro(node, inner);
      default:
        return opaque(node, inner);
    }
  };
  return visit(expression, scope);
}

function opaque(node: EvalExpression, scope: Scope): LogicNode {
  return {
    type: "opaque",
    label: scope.text.slice(node.span.start, node.span.end),
  };
}

function fieldName(node: EvalExpression): string | undefined {
  return node.type === "field" ? node.name : undefined;
}

function literalText(node: EvalExpression): string | undefined {
  if (node.type === "string" || node.type === "number") return node.value;
  return undefined;
}

/**
 * Returns the operands of a chain of one operator in order: a, b and c for
 * `a AND b AND c`. The parser builds such chains left-deep, so walking one
 * of thousands of conditions recursively would overflow the stack.
 */
function chainOperands(node: EvalBinary): EvalExpression[] {
  const operands: EvalExpression[] = [];
  const pending: EvalExpression[] = [node];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (current.type === "binary" && current.operator === node.operator) {
      pending.push(current.right, current.left);
    } else {
      operands.push(current);
    }
  }
  return operands;
}

/** True when the expression reads a field an earlier command computed. */
function readsComputed(node: EvalExpression, scope: Scope): boolean {
  return fieldsOf(node).some((field) => scope.computed.has(field));
}

/**
 * Records a function or IN test on computed values, such as
 * `isnull(firstTimeSeen)` after an eval, as a threshold: the subject's
 * text, the function name and the other arguments' text.
 */
function threshold(
  builder: AnalysisBuilder,
  subject: EvalExpression,
  operator: string,
  rest: readonly EvalExpression[],
  node: EvalExpression,
  scope: Scope,
): LogicNode {
  const text = (part: EvalExpression) =>
    scope.text.slice(part.span.start, part.span.end);
  const value = rest.map(text).join(", ");
  return builder.addThreshold(scope, node.span, text(subject), operator, value);
}

/** Field names an expression reads, found without recursion. */
function fieldsOf(root: EvalExpression): string[] {
  const fields: string[] = [];
  const pending: EvalExpression[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    switch (node.type) {
      case "field":
        fields.push(node.name);
        break;
      case "binary":
        pending.push(node.left, node.right);
        break;
      case "unary":
        pending.push(node.operand);
        break;
      case "group":
        pending.push(node.expression);
        break;
      case "call":
        for (const argument of node.arguments) pending.push(argument);
        break;
      case "in":
        pending.push(node.operand);
        break;
    }
  }
  return fields;
}

function comparison(
  builder: AnalysisBuilder,
  node: EvalBinary,
  scope: Scope,
): LogicNode {
  const text = (part: EvalExpression) =>
    scope.text.slice(part.span.start, part.span.end);
  const computed = fieldsOf(node).some((field) => scope.computed.has(field));
  let field = fieldName(node.left);
  let value = literalText(node.right);
  let operator = node.operator;
  if (field === undefined && value === undefined) {
    field = fieldName(node.right);
    value = literalText(node.left);
    operator = MIRRORED[operator];
  }
  if (computed) {
    return builder.addThreshold(
      scope,
      node.span,
      text(node.left),
      node.operator,
      text(node.right),
    );
  }
  if (field === undefined || value === undefined) return opaque(node, scope);
  return builder.addPredicate(
    scope,
    node.span,
    field,
    COMPARISON_KINDS[operator],
    [value],
    { caseSensitive: true },
  );
}

function like(
  builder: AnalysisBuilder,
  subject: EvalExpression,
  patternNode: EvalExpression,
  node: EvalExpression,
  scope: Scope,
): LogicNode {
  const field = fieldName(subject);
  const pattern = literalText(patternNode);
  if (field === undefined || pattern === undefined) return opaque(node, scope);
  const wildcard = likeToWildcard(pattern);
  const kind = classifyPattern(wildcard);
  const value = patternNeedle(kind, wildcard);
  return builder.addPredicate(scope, node.span, field, kind, [value], {
    caseSensitive: true,
  });
}

function call(
  builder: AnalysisBuilder,
  hooks: EvalHooks,
  node: EvalCall,
  scope: Scope,
): LogicNode {
  const args = node.arguments;
  const name = node.name.toLowerCase();
  const field = args[0] && fieldName(args[0]);
  const second = args[1] && literalText(args[1]);
  switch (name) {
    case "match":
      if (field !== undefined && second !== undefined && args.length === 2) {
        return builder.addPredicate(
          scope,
          node.span,
          field,
          "regex",
          [second],
          {
            caseSensitive: !second.startsWith("(?i)"),
          },
        );
      }
      break;
    case "like":
      if (args.length === 2) {
        return like(builder, args[0], args[1], node, scope);
      }
      break;
    case "isnull":
    case "isnotnull":
      if (field !== undefined && args.length === 1) {
        const missing = name === "isnull";
        const inner = missing ? { ...scope, negated: !scope.negated } : scope;
        const predicate = builder.addPredicate(
          inner,
          node.span,
          field,
          "exists",
          [],
          { caseSensitive: false },
        );
        return missing ? negate(predicate) : predicate;
      }
      break;
    case "cidrmatch": {
      const cidr = args[0] && literalText(args[0]);
      const subject = args[1] && fieldName(args[1]);
      if (cidr !== undefined && subject !== undefined && isCidr(cidr)) {
        return builder.addPredicate(scope, node.span, subject, "cidr", [cidr], {
          caseSensitive: false,
        });
      }
      break;
    }
    case "in": {
      const values = args.slice(1).map(literalText);
      if (field !== undefined && values.every((v) => v !== undefined)) {
        return builder.addPredicate(
          scope,
          node.span,
          field,
          "in",
          sortValues(values as string[]),
          { caseSensitive: true },
        );
      }
      break;
    }
    case "searchmatch": {
      const text = args[0] && literalText(args[0]);
      if (text !== undefined) return hooks.searchmatch(text, node, scope);
      break;
    }
  }
  return opaque(node, scope);
}
