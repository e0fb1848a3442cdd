import type { TechniqueRef } from "../catalog/entry.ts";
import { loadDataFile } from "./data-files.ts";

/** A tactic of one ATT&CK release, as data/attack/enterprise-attack.json stores it. */
export interface TacticRecord {
  /** `TA0007`. */
  id: string;
  /** The kill chain phase name that techniques refer to, such as `discovery`. */
  shortName: string;
  /** The display name, such as `Discovery`. */
  name: string;
}

/** A technique of one ATT&CK release, as data/attack/enterprise-attack.json stores it. */
export interface TechniqueRecord {
  /** The technique's own name, without its parent's. */
  name: string;
  /** Tactic short names of the same release, such as `discovery`. */
  tactics: string[];
  status?: "revoked" | "deprecated";
  /** For a revoked technique: the id its revoked-by relationship names. */
  revokedBy?: string;
}

/** The shape of data/attack/enterprise-attack.json, written by scripts/generate-attack.ts. */
export interface AttackData {
  description: string;
  attribution: string;
  generatedAt: string;
  version: string;
  source: string;
  previousVersion: string;
  previousSource: string;
  /** Current tactics in matrix order. */
  tactics: TacticRecord[];
  /** Tactics of the previous release in its matrix order. */
  previousTactics: TacticRecord[];
  /** Every technique id of the current release, revoked and deprecated ones too. */
  techniques: Record<string, TechniqueRecord>;
  /** Ids of the previous release that the current one no longer has. */
  previousTechniques: Record<string, TechniqueRecord>;
}

/** A tactic under its current ATT&CK name. */
export interface TacticRef {
  /** The name or id as the rule declared it. */
  declared: string;
  id: string;
  shortName: string;
  name: string;
}

/**
 * Technique and tactic lookups over one ATT&CK data file. The module-level
 * functions use the committed data/attack/enterprise-attack.json; tests
 * build catalogs from small fixtures.
 */
export class AttackCatalog {
  /** Position of each current tactic short name in the matrix. */
  private readonly tacticOrder: Map<string, number>;
  private readonly tacticByShortName: Map<string, TacticRecord>;
  /** Current tactics by lower-case id, short name and display name. */
  private readonly tacticLookup = new Map<string, TacticRecord>();
  /** Previous-release short names and names, such as `defense-evasion`, to lower-case ids. */
  private readonly previousTacticIds = new Map<string, string>();
  /** Technique names keyed by `techniqueNameKey`, to the ids that carry them; built on first use. */
  private techniqueNames: Map<string, string[]> | undefined;

  constructor(readonly data: AttackData) {
    for (const tactic of data.tactics) {
      this.tacticLookup.set(tactic.id.toLowerCase(), tactic);
      this.tacticLookup.set(tactic.shortName, tactic);
      this.tacticLookup.set(tacticKey(tactic.name), tactic);
    }
    for (const tactic of data.previousTactics) {
      this.previousTacticIds.set(tactic.shortName, tactic.id.toLowerCase());
      this.previousTacticIds.set(
        tacticKey(tactic.name),
        tactic.id.toLowerCase(),
      );
    }
    this.tacticOrder = new Map(data.tactics.map((t, i) => [t.shortName, i]));
    this.tacticByShortName = new Map(data.tactics.map((t) => [t.shortName, t]));
  }

  /** Returns the ATT&CK Enterprise release that names and tactics come from, such as `19.1`. */
  version(): string {
    return this.data.version;
  }

  /**
   * Resolves a tactic as rules declare it: a Sigma tag (`attack.stealth`), a
   * short name, a display name (`Defense Evasion`) or an id (`TA0005`). Names
   * that only the previous release has resolve through their tactic id, so
   * `defense-evasion` becomes Stealth. Returns undefined for anything else.
   */
  resolveTactic(nameOrId: string): TacticRef | undefined {
    let key = nameOrId.trim().toLowerCase();
    if (key.startsWith("attack.")) key = key.slice("attack.".length);
    if (!/^ta\d{4}$/.test(key)) key = tacticKey(key);

    const tactic =
      this.tacticLookup.get(key) ??
      this.tacticLookup.get(this.previousTacticIds.get(key) ?? "");
    if (!tactic) return undefined;
    return {
      declared: nameOrId,
      id: tactic.id,
      shortName: tactic.shortName,
      name: tactic.name,
    };
  }

  /**
   * Resolves a declared technique id to the current technique. Revoked ids
   * follow revoked-by links to their replacement, so T1562.001 and its
   * successor land on the same technique. An id the current release lacks
   * keeps the previous release's name, flagged `unknown`; an id neither
   * release has gets an empty name, also flagged `unknown`.
   */
  resolveTechnique(declaredId: string): TechniqueRef {
    const { techniques, previousTechniques } = this.data;
    const id = normaliseTechniqueId(declaredId);

    const declared = techniques[id];
    if (!declared) {
      const previous = previousTechniques[id];
      return {
        declaredId,
        id,
        name: previous
          ? this.displayName(id, previous, previousTechniques)
          : "",
        tactics: previous ? this.previousTacticNames(previous.tactics) : [],
        status: "unknown",
      };
    }

    const currentId = followRevocations(id, techniques);
    const current = techniques[currentId]!;
    const reference: TechniqueRef = {
      declaredId,
      id: currentId,
      name: this.displayName(currentId, current, techniques),
      tactics: this.tacticNames(current.tactics),
    };
    if (declared.status === "revoked") reference.status = "revoked";
    else if (declared.status === "deprecated") reference.status = "deprecated";
    return reference;
  }

  /**
   * Resolves a technique declared by name, such as `Endpoint Denial of
   * Service`, to the current technique. Names match whole and ignore case.
   * A sub-technique matches as `Parent: Sub`, `Parent:Sub` or its own name.
   * Names of revoked techniques and of ids only the previous release has
   * match too. Returns undefined unless the name leads to exactly one
   * technique, so `DNS` (T1071.004 and T1590.002) resolves to nothing.
   * `declaredId` is the id whose name matched, the current id when it is
   * among them.
   * NOTE: the data file keeps previous-release names only for ids the
   * current release lacks, so a technique renamed under the same id
   * matches by its current name only.
   */
  resolveTechniqueByName(name: string): TechniqueRef | undefined {
    const ids = this.techniqueNameIndex().get(techniqueNameKey(name));
    if (!ids) return undefined;
    const references = ids.map((id) => this.resolveTechnique(id));
    const targets = new Set(references.map((reference) => reference.id));
    if (targets.size !== 1) return undefined;
    return (
      references.find((reference) => reference.declaredId === reference.id) ??
      references[0]
    );
  }

  /** Returns the technique name index, building it on first use. */
  private techniqueNameIndex(): Map<string, string[]> {
    if (this.techniqueNames) return this.techniqueNames;
    const index = new Map<string, string[]>();
    const add = (name: string, id: string): void => {
      const key = techniqueNameKey(name);
      const ids = index.get(key);
      if (!ids) index.set(key, [id]);
      else if (!ids.includes(id)) ids.push(id);
    };
    const { techniques, previousTechniques } = this.data;
    for (const release of [techniques, previousTechniques]) {
      for (const [id, record] of Object.entries(release)) {
        add(record.name, id);
        add(this.displayName(id, record, release), id);
      }
    }
    this.techniqueNames = index;
    return index;
  }

  /**
   * `Name`, or `Parent: Sub-technique` for a sub-technique id. The parent
   * comes from the same release as the record, else from the current one.
   */
  private displayName(
    id: string,
    record: TechniqueRecord,
    release: Record<string, TechniqueRecord>,
  ): string {
    const dot = id.indexOf(".");
    if (dot < 0) return record.name;
    const parentId = id.slice(0, dot);
    const parent = release[parentId] ?? this.data.techniques[parentId];
    return parent ? `${parent.name}: ${record.name}` : record.name;
  }

  /** Current tactic display names in matrix order. */
  private tacticNames(shortNames: string[]): string[] {
    return [...new Set(shortNames)]
      .filter((name) => this.tacticByShortName.has(name))
      .sort((a, b) => this.tacticOrder.get(a)! - this.tacticOrder.get(b)!)
      .map((name) => this.tacticByShortName.get(name)!.name);
  }

  /** Maps previous-release tactic short names to current display names. */
  private previousTacticNames(shortNames: string[]): string[] {
    const current = shortNames
      .map((name) => this.resolveTactic(name)?.shortName)
      .filter((name): name is string => name !== undefined);
    return this.tacticNames(current);
  }
}

let defaultCatalog: AttackCatalog | undefined;

/** Returns the catalog of the committed ATT&CK data file, loaded on first use. */
export function attackCatalog(): AttackCatalog {
  defaultCatalog ??= new AttackCatalog(
    loadDataFile<AttackData>("attack/enterprise-attack.json"),
  );
  return defaultCatalog;
}

/** Returns the ATT&CK Enterprise release that names and tactics come from, such as `19.1`. */
export function attackVersion(): string {
  return attackCatalog().version();
}

/** Resolves a tactic name, tag or id; see `AttackCatalog.resolveTactic`. */
export function resolveTactic(nameOrId: string): TacticRef | undefined {
  return attackCatalog().resolveTactic(nameOrId);
}

/** Resolves a declared technique id; see `AttackCatalog.resolveTechnique`. */
export function resolveTechnique(declaredId: string): TechniqueRef {
  return attackCatalog().resolveTechnique(declaredId);
}

/** Resolves a technique name; see `AttackCatalog.resolveTechniqueByName`. */
export function resolveTechniqueByName(name: string): TechniqueRef | undefined {
  return attackCatalog().resolveTechniqueByName(name);
}

/** Lower-cases a tactic name and joins its words with `-`, as short names do. */
function tacticKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter((word) => word.length > 0)
    .join("-");
}

/**
 * Lower-cases a technique name, collapses white space and writes every
 * colon as `: `, so `Parent:Sub` and `Parent: Sub` match.
 */
function techniqueNameKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .split(":")
    .map((part) => part.trim().split(/\s+/).join(" "))
    .join(": ");
}

/** `T1048.003`, upper case, without a Sigma `attack.` prefix. */
function normaliseTechniqueId(declaredId: string): string {
  let id = declaredId.trim();
  if (id.toLowerCase().startsWith("attack.")) id = id.slice("attack.".length);
  return id.toUpperCase();
}

/**
 * Follows revoked-by links until an id that is not revoked, or the last
 * revoked one when a link is missing. Stops on a cycle, which the data
 * should never contain.
 */
function followRevocations(
  id: string,
  techniques: Record<string, TechniqueRecord>,
): string {
  const seen = new Set<string>([id]);
  let current = id;
  for (;;) {
    const next = techniques[current]?.revokedBy;
    if (!next || !techniques[next] || seen.has(next)) return current;
    seen.add(next);
    current = next;
  }
}
