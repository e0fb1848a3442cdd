import type { Analysis } from "../analysis/model.ts";
import { loadDataFile } from "./data-files.ts";

/** A field schema that data/fields/field-map.json has a column for. */
export type FieldSchema = "ecs" | "cim" | "windows" | "defender";

/** One row of data/fields/field-map.json: the common name and its names per schema. */
export interface FieldMapping {
  ecs: string;
  cim: string[];
  windows: string[];
  defender: string[];
}

/** The shape of data/fields/field-map.json. */
export interface FieldMapData {
  description: string;
  maintenance: string;
  /** Date of the last edit, YYYY-MM-DD. */
  updated: string;
  sources: { id: string; name: string; url: string }[];
  notes: string[];
  fields: FieldMapping[];
}

/**
 * The context a field name was written in. `language` is a language
 * registry id (`spl`, `sigma`, `kql`, `eql`, `esql`, `kuery`, `lucene`).
 * `source` narrows names that differ by data set: a CIM data set such as
 * `Network_Traffic.All_Traffic`, a Defender table such as
 * `DeviceFileEvents`, or a Sigma log source category such as `image_load`,
 * where `OriginalFileName` names the loaded DLL instead of the process.
 */
export interface FieldContext {
  language: string;
  source?: string;
}

/** Schemas tried for each language, first match wins. ECS names map to themselves. */
const LANGUAGE_SCHEMAS: Record<string, FieldSchema[]> = {
  spl: ["cim", "windows", "ecs"],
  sigma: ["windows", "ecs"],
  kql: ["defender", "windows", "ecs"],
  kusto: ["defender", "windows", "ecs"],
  eql: ["ecs"],
  esql: ["ecs"],
  kuery: ["ecs"],
  lucene: ["ecs"],
};

const ALL_SCHEMAS: FieldSchema[] = ["ecs", "cim", "windows", "defender"];

interface FieldIndex {
  ecs: Set<string>;
  /** Per schema: names as written, and lower-case names, to ECS names. */
  exact: Map<FieldSchema, Map<string, string>>;
  folded: Map<FieldSchema, Map<string, string>>;
}

let index: FieldIndex | undefined;

function fieldIndex(): FieldIndex {
  if (index) return index;
  const data = loadDataFile<FieldMapData>("fields/field-map.json");
  const exact = new Map<FieldSchema, Map<string, string>>();
  const folded = new Map<FieldSchema, Map<string, string>>();
  for (const schema of ALL_SCHEMAS) {
    exact.set(schema, new Map());
    folded.set(schema, new Map());
  }
  for (const mapping of data.fields) {
    for (const schema of ["cim", "windows", "defender"] as const) {
      for (const name of mapping[schema]) {
        exact.get(schema)!.set(name, mapping.ecs);
        folded.get(schema)!.set(name.toLowerCase(), mapping.ecs);
      }
    }
  }
  index = {
    ecs: new Set(data.fields.map((mapping) => mapping.ecs)),
    exact,
    folded,
  };
  return index;
}

/**
 * Maps a field name as a rule writes it to its name in the common schema
 * (ECS), or returns undefined when the field map does not know it. CIM names
 * may carry their data set (`Processes.process_name`) or lose it to
 * `drop_dm_object_name` (`process_name`); both map alike. Sysmon `Image` is a
 * full path and maps to `process.executable`, while CIM `process_name` is a
 * file name and maps to `process.name`.
 */
export function canonicalField(
  field: string,
  context: FieldContext,
): string | undefined {
  const name = field.trim();
  if (name === "") return undefined;
  const schemas =
    LANGUAGE_SCHEMAS[context.language.toLowerCase()] ?? ALL_SCHEMAS;
  for (const schema of schemas) {
    const canonical = lookUp(schema, name, context.source);
    if (canonical) return canonical;
  }
  return undefined;
}

function lookUp(
  schema: FieldSchema,
  name: string,
  source: string | undefined,
): string | undefined {
  const { ecs, exact, folded } = fieldIndex();
  switch (schema) {
    case "ecs":
      return ecs.has(name) ? name : undefined;
    case "cim":
      return lookUpCim(name, source, exact.get("cim")!);
    case "windows":
    case "defender": {
      const table = source ? lastSegment(source) : undefined;
      const qualified = table ? `${table}.${name}` : undefined;
      return (
        (qualified && exact.get(schema)!.get(qualified)) ||
        exact.get(schema)!.get(name) ||
        (qualified && folded.get(schema)!.get(qualified.toLowerCase())) ||
        folded.get(schema)!.get(name.toLowerCase())
      );
    }
    default: {
      const unreachable: never = schema;
      return unreachable;
    }
  }
}

/**
 * Looks up a CIM name. A `Dataset.field` name is tried whole, then without
 * its data set. A plain name is tried with the context's data set first, so
 * `dest` is a host under Endpoint and a destination under Network_Traffic.
 * Splunk field names are case-sensitive, so names are not folded.
 */
function lookUpCim(
  name: string,
  source: string | undefined,
  names: Map<string, string>,
): string | undefined {
  const dot = name.indexOf(".");
  if (dot > 0) {
    return names.get(name) ?? names.get(name.slice(dot + 1));
  }
  const dataset = source ? lastSegment(source) : undefined;
  return (dataset && names.get(`${dataset}.${name}`)) || names.get(name);
}

/** `All_Traffic` for `Network_Traffic.All_Traffic`. */
function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}

/**
 * Sets `canonicalField` on every predicate whose field the map contains and
 * leaves the others as they are. Without `context.source`, a query that
 * references exactly one data model uses it as the source, so fields that
 * `drop_dm_object_name` renamed still resolve within their data set.
 */
export function applyCanonicalFields(
  analysis: Analysis,
  context: FieldContext,
): void {
  let effective = context;
  if (context.source === undefined) {
    const models = new Set(
      analysis.references
        .filter((reference) => reference.kind === "datamodel")
        .map((reference) => dataModelName(reference.name, reference.arguments)),
    );
    if (models.size === 1) effective = { ...context, source: [...models][0] };
  }
  for (const predicate of analysis.predicates) {
    const canonical = canonicalField(predicate.field, effective);
    if (canonical !== undefined) predicate.canonicalField = canonical;
  }
}

/**
 * Joins a data model reference into `Model.Dataset`, whether the analyser
 * stored it whole (`Endpoint.Processes`) or split into name and node.
 */
export function dataModelName(name: string, nodes?: string[]): string {
  if (name.includes(".") || !nodes || nodes.length === 0) return name;
  return `${name}.${nodes[0]}`;
}
