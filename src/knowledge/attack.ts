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

interface AttackIndex {
  data: AttackData;
  /** Position of each current tactic short name in the matrix. */
  tacticOrder: Map<string, number>;
  tacticByShortName: Map<string, TacticRecord>;
  /** Current tactics by lower-case id, short name and display name. */
  tacticLookup: Map<string, TacticRecord>;
  /** Previous-release short names, such as `defense-evasion`, to their ids. */
  previousTacticIds: Map<string, string>;
}

let index: AttackIndex | undefined;

function attackIndex(): AttackIndex {
  if (index) return index;
  const data = loadDataFile<AttackData>("attack/enterprise-attack.json");
  const tacticLookup = new Map<string, TacticRecord>();
  for (const tactic of data.tactics) {
    tacticLookup.set(tactic.id.toLowerCase(), tactic);
    tacticLookup.set(tactic.shortName, tactic);
    tacticLookup.set(tacticKey(tactic.name), tactic);
  }
  const previousTacticIds = new Map<string, string>();
  for (const tactic of data.previousTactics) {
    previousTacticIds.set(tactic.shortName, tactic.id.toLowerCase());
    previousTacticIds.set(tacticKey(tactic.name), tactic.id.toLowerCase());
  }
  index = {
    data,
    tacticOrder: new Map(data.tactics.map((t, i) => [t.shortName, i])),
    tacticByShortName: new Map(data.tactics.map((t) => [t.shortName, t])),
    tacticLookup,
    previousTacticIds,
  };
  return index;
}

/** The ATT&CK Enterprise release that names and tactics come from, such as `19.1`. */
export function attackVersion(): string {
  return attackIndex().data.version;
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
 * Resolves a tactic as rules declare it: a Sigma tag (`attack.stealth`), a
 * short name, a display name (`Defense Evasion`) or an id (`TA0005`). Names
 * that only the previous release has resolve through their tactic id, so
 * `defense-evasion` becomes Stealth. Returns undefined for anything else.
 */
export function resolveTactic(nameOrId: string): TacticRef | undefined {
  const { tacticLookup, previousTacticIds } = attackIndex();
  let key = nameOrId.trim().toLowerCase();
  if (key.startsWith("attack.")) key = key.slice("attack.".length);
  if (!/^ta\d{4}$/.test(key)) key = tacticKey(key);

  const tactic =
    tacticLookup.get(key) ?? tacticLookup.get(previousTacticIds.get(key) ?? "");
  if (!tactic) return undefined;
  return {
    declared: nameOrId,
    id: tactic.id,
    shortName: tactic.shortName,
    name: tactic.name,
  };
}

/** `T1048.003`, upper case, without a Sigma `attack.` prefix. */
function normaliseTechniqueId(declaredId: string): string {
  let id = declaredId.trim();
  if (id.toLowerCase().startsWith("attack.")) id = id.slice("attack.".length);
  return id.toUpperCase();
}

/**
 * Resolves a declared technique id to the current technique. Revoked ids
 * follow revoked-by links to their replacement, so T1562.001 and its
 * successor land on the same technique. An id the current release lacks
 * keeps the previous release's name, flagged `unknown`; an id neither
 * release has gets an empty name, also flagged `unknown`.
 */
export function resolveTechnique(declaredId: string): TechniqueRef {
  const { data } = attackIndex();
  const id = normaliseTechniqueId(declaredId);

  const declared = data.techniques[id];
  if (!declared) {
    const previous = data.previousTechniques[id];
    return {
      declaredId,
      id,
      name: previous ? displayName(id, data.previousTechniques, previous) : "",
      tactics: previous ? previousTacticNames(previous.tactics) : [],
      status: "unknown",
    };
  }

  const currentId = followRevocations(id, data.techniques);
  const current = data.techniques[currentId]!;
  const reference: TechniqueRef = {
    declaredId,
    id: currentId,
    name: displayName(currentId, data.techniques, current),
    tactics: tacticNames(current.tactics),
  };
  if (declared.status === "revoked") reference.status = "revoked";
  else if (declared.status === "deprecated") reference.status = "deprecated";
  return reference;
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

/** `Name`, or `Parent: Sub-technique` for a sub-technique id. */
function displayName(
  id: string,
  techniques: Record<string, TechniqueRecord>,
  record: TechniqueRecord,
): string {
  const dot = id.indexOf(".");
  if (dot < 0) return record.name;
  const parent =
    techniques[id.slice(0, dot)] ??
    attackIndex().data.techniques[id.slice(0, dot)];
  return parent ? `${parent.name}: ${record.name}` : record.name;
}

/** Current tactic display names in matrix order. */
function tacticNames(shortNames: string[]): string[] {
  const { tacticOrder, tacticByShortName } = attackIndex();
  return [...new Set(shortNames)]
    .filter((name) => tacticByShortName.has(name))
    .sort((a, b) => tacticOrder.get(a)! - tacticOrder.get(b)!)
    .map((name) => tacticByShortName.get(name)!.name);
}

/** Maps previous-release tactic short names to current display names. */
function previousTacticNames(shortNames: string[]): string[] {
  const current = shortNames
    .map((name) => resolveTactic(name)?.shortName)
    .filter((name): name is string => name !== undefined);
  return tacticNames(current);
}
