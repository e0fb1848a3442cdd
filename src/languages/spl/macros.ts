import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Diagnostic, Result } from "../../core/diagnostic.ts";
import type { MacroDefinition, MacroLibrary } from "../registry.ts";

/**
 * Reads Splunk macro definitions from a folder of YAML files, one macro per
 * file, as security_content `macros/*.yml` writes them: `name`,
 * `definition`, optional `arguments` (a list of names) and `description`.
 * Macros with the same name are kept apart by argument count. A file that
 * cannot be read becomes a diagnostic, never an exception.
 */
export function loadMacroDirectory(dir: string): Result<MacroLibrary> {
  const library: MacroLibrary = new Map();
  const diagnostics: Diagnostic[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter(
      (name) => name.endsWith(".yml") || name.endsWith(".yaml"),
    );
  } catch (error) {
    diagnostics.push({
      severity: "error",
      code: "spl-macro-directory-unreadable",
      message: `Cannot read macro folder ${dir}: ${(error as Error).message}`,
      file: dir,
    });
    return { value: library, diagnostics };
  }
  for (const name of names.sort()) {
    const file = join(dir, name);
    const definition = readMacroFile(file, diagnostics);
    if (definition) addMacro(library, definition);
  }
  return { value: library, diagnostics };
}

function readMacroFile(
  file: string,
  diagnostics: Diagnostic[],
): MacroDefinition | undefined {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    diagnostics.push({
      severity: "warning",
      code: "spl-macro-file-invalid",
      message: `Macro file is not valid YAML: ${(error as Error).message}`,
      file,
    });
    return undefined;
  }
  const record = (document ?? {}) as Record<string, unknown>;
  const name = record.name;
  const definition = record.definition ?? "";
  if (typeof name !== "string" || typeof definition !== "string") {
    diagnostics.push({
      severity: "warning",
      code: "spl-macro-file-invalid",
      message: "Macro file needs a string `name` and a string `definition`.",
      file,
    });
    return undefined;
  }
  const args = Array.isArray(record.arguments)
    ? record.arguments.map((argument) => String(argument))
    : [];
  const description =
    typeof record.description === "string" ? record.description : undefined;
  return { name, arguments: args, definition, description };
}

/** Adds a definition, keyed by name and then by argument count. */
export function addMacro(
  library: MacroLibrary,
  definition: MacroDefinition,
): void {
  let overloads = library.get(definition.name);
  if (!overloads) {
    overloads = new Map();
    library.set(definition.name, overloads);
  }
  overloads.set(definition.arguments.length, definition);
}

export function findMacro(
  library: MacroLibrary | undefined,
  name: string,
  argumentCount: number,
): MacroDefinition | undefined {
  return library?.get(name)?.get(argumentCount);
}

/**
 * Substitutes `$name$` placeholders with the call's arguments, by position.
 * Arguments written as `name=value` bind by name when the name is declared.
 * Returns undefined when the result would pass `maxLength` characters, as
 * a definition that repeats a long argument many times would.
 */
export function expandMacro(
  definition: MacroDefinition,
  args: readonly string[],
  maxLength = Number.POSITIVE_INFINITY,
): string | undefined {
  const bindings = new Map<string, string>();
  args.forEach((argument, position) => {
    const equals = argument.indexOf("=");
    const key = equals > 0 ? argument.slice(0, equals).trim() : "";
    if (key !== "" && definition.arguments.includes(key)) {
      bindings.set(key, argument.slice(equals + 1).trim());
    } else if (position < definition.arguments.length) {
      bindings.set(definition.arguments[position], argument);
    }
  });
  // One pass over the definition, so an argument value that itself
  // contains `$name$` is inserted as written, not substituted again.
  const text = definition.definition;
  let result = "";
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf("$", position);
    if (open === -1) break;
    const close = text.indexOf("$", open + 1);
    if (close === -1) break;
    const value = bindings.get(text.slice(open + 1, close));
    if (value === undefined) {
      result += text.slice(position, open + 1);
      position = open + 1;
      continue;
    }
    if (result.length + (open - position) + value.length > maxLength) {
      return undefined;
    }
    result += text.slice(position, open) + value;
    position = close + 1;
  }
  const expanded = result + text.slice(position);
  return expanded.length > maxLength ? undefined : expanded;
}

/**
 * True for a `<name>_filter` macro that has no definition or one that keeps
 * every event: security_content ends each detection with such a hook for
 * local tuning.
 */
export function isTuningHook(
  name: string,
  definition: MacroDefinition | undefined,
): boolean {
  if (!name.endsWith("_filter")) return false;
  if (!definition) return true;
  const text = definition.definition.trim();
  return text === "" || text === "search *" || text === "*";
}
