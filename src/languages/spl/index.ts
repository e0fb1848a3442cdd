import type { QueryLanguage } from "../registry.ts";
import { analyseSpl } from "./analyse.ts";

export { analyseSpl } from "./analyse.ts";
export { loadMacroDirectory } from "./macros.ts";
export { parseSpl } from "./parser.ts";
export type { Pipeline } from "./ast.ts";

/**
 * Splunk SPL. Registering it is left to the caller (`registerLanguage`),
 * so importing this module has no side effects.
 */
export const splLanguage: QueryLanguage = {
  id: "spl",
  name: "Splunk SPL",
  analyse: (input) => analyseSpl(input.query, input.macros),
};
