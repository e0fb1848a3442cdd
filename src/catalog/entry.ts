import type {
  Analysis,
  EventCoverage,
  PredicateKind,
} from "../analysis/model.ts";
import type { RuleRecord, SourceKind } from "../core/rule.ts";

/** An ATT&CK technique as a rule page shows it, under today's ATT&CK names. */
export interface TechniqueRef {
  /** The id as the rule declared it. */
  declaredId: string;
  /** The current id; differs from `declaredId` when that was revoked. */
  id: string;
  /** `Name`, or `Parent: Sub-technique` for sub-techniques. */
  name: string;
  /** Tactic names in ATT&CK matrix order. */
  tactics: string[];
  /** Set when the declared id was revoked or deprecated in ATT&CK. */
  status?: "revoked" | "deprecated" | "unknown";
}

/** How many rules in the catalog share one indicator. */
export interface IndicatorCount {
  /** The field as the rule writes it, such as `EventCode`; empty for a search term. */
  field: string;
  /** The field in the common schema, when known; counts use it. */
  canonicalField?: string;
  kind: PredicateKind;
  value: string;
  /**
   * Encodings the rule searches the value in, such as `base64offset`; an
   * encoded value only meets the same value under the same encodings.
   */
  encodings?: string[];
  /** Rules other than this one with the same indicator. */
  others: number;
  /** The same count split by source kind. */
  bySource: Partial<Record<SourceKind, number>>;
}

/** Everything the catalog stores about one rule, which its page shows. */
export interface CatalogEntry {
  rule: RuleRecord;
  analysis: Analysis;
  techniques: TechniqueRef[];
  /**
   * Current names of the tactics the rule declares itself (Sigma tactic
   * tags, armory `tactic:technique` entries), in declared order. A tactic
   * may appear here without any of the rule's techniques.
   */
  tactics?: string[];
  events: EventCoverage[];
  /** One row per indicator predicate and value, in predicate order. */
  indicators: IndicatorCount[];
}

/** One line of the rule index. */
export interface RuleSummary {
  slug: string;
  id: string;
  title: string;
  source: SourceKind;
  language?: string;
  path: string;
  techniques: string[];
  /** Technique names, for the index page's filter; absent in API results. */
  techniqueNames?: string[];
  errors: number;
}

/** Read access to a built catalog, shared by the server and the site. */
export interface CatalogReader {
  listRules(filter?: { source?: SourceKind; text?: string }): RuleSummary[];
  getRule(slug: string): CatalogEntry | undefined;
  /** Rules that declare this id; ids repeat in some repositories. */
  findRulesById(id: string): RuleSummary[];
  close(): void;
}
