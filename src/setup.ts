import { registerLanguage } from "./languages/registry.ts";
import { sigmaLanguage } from "./languages/sigma/index.ts";
import { splLanguage } from "./languages/spl/index.ts";
import { registerReader } from "./sources/index.ts";
import { sigmaReader } from "./sources/sigma.ts";

/**
 * Registers every query language and repository reader. The CLI, scripts
 * and tests call it once; library modules never register on import.
 */
export function registerAll(): void {
  registerLanguage(splLanguage);
  registerLanguage(sigmaLanguage);
  registerReader(sigmaReader);
}
