/**
 * Generates data/attack/enterprise-attack.json from MITRE ATT&CK Enterprise
 * STIX 2.0 objects in the mitre/cti layout (one bundle file per object under
 * enterprise-attack/<type>/). The current release gives names, tactics and
 * revoked-by links; the previous release gives the names of ids that older
 * rules declare and that the current release no longer has.
 *
 * Usage: tsx scripts/generate-attack.ts [REFERENCE_FOLDER]
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  referenceFolder,
  repositoryRoot,
  today,
  writeJson,
} from "./generate-support.ts";
import type {
  AttackData,
  TacticRecord,
  TechniqueRecord,
} from "../src/knowledge/attack.ts";

/** The releases read, with where each copy of mitre/cti came from. */
const RELEASES = {
  current: {
    version: "19.1",
    folder: "attack-v19.1",
    origin:
      "MITRE ATT&CK Enterprise v19.1, STIX 2.0, mitre/cti layout, from the fork f0r3ns1cat0r/cti at 68d2992ea01249fc72e966f569a0d0b663d98581 (2026-05-12)",
  },
  previous: {
    version: "18.1",
    folder: "attack-v18.1",
    origin:
      "MITRE ATT&CK Enterprise v18.1, STIX 2.0, mitre/cti at 421deacb77191b38bdd1bf63268954e93da91365 (2025-11-13)",
  },
} as const;

interface StixObject {
  type: string;
  id: string;
  name?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_shortname?: string;
  tactic_refs?: string[];
  kill_chain_phases?: { kill_chain_name: string; phase_name: string }[];
  external_references?: { source_name: string; external_id?: string }[];
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
}

interface Release {
  tactics: TacticRecord[];
  techniques: Record<string, TechniqueRecord>;
}

function readObjects(releaseFolder: string): StixObject[] {
  const root = join(releaseFolder, "enterprise-attack");
  const objects: StixObject[] = [];
  for (const type of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, type)).sort()) {
      if (!file.endsWith(".json")) continue;
      const bundle = JSON.parse(readFileSync(join(root, type, file), "utf8"));
      objects.push(...(bundle.objects as StixObject[]));
    }
  }
  return objects;
}

function attackId(object: StixObject): string | undefined {
  return object.external_references?.find(
    (reference) => reference.source_name === "mitre-attack",
  )?.external_id;
}

function readRelease(releaseFolder: string): Release {
  const objects = readObjects(releaseFolder);
  const byStixId = new Map(objects.map((object) => [object.id, object]));

  // Matrix order comes from the matrix's tactic_refs, not from tactic ids.
  const matrix = objects.find((object) => object.type === "x-mitre-matrix");
  if (!matrix?.tactic_refs) {
    throw new Error(`no x-mitre-matrix with tactic_refs in ${releaseFolder}`);
  }
  const tactics = matrix.tactic_refs.map((ref) => {
    const tactic = byStixId.get(ref);
    const id = tactic && attackId(tactic);
    if (!tactic || !id || !tactic.name || !tactic.x_mitre_shortname) {
      throw new Error(`matrix tactic ${ref} is missing in ${releaseFolder}`);
    }
    return { id, shortName: tactic.x_mitre_shortname, name: tactic.name };
  });

  const revokedBy = new Map<string, string>();
  for (const object of objects) {
    if (
      object.type === "relationship" &&
      object.relationship_type === "revoked-by" &&
      object.source_ref &&
      object.target_ref
    ) {
      revokedBy.set(object.source_ref, object.target_ref);
    }
  }

  const techniques: Record<string, TechniqueRecord> = {};
  for (const object of objects) {
    if (object.type !== "attack-pattern") continue;
    const id = attackId(object);
    if (!id || !object.name) continue;
    const record: TechniqueRecord = {
      name: object.name,
      tactics: (object.kill_chain_phases ?? [])
        .filter((phase) => phase.kill_chain_name === "mitre-attack")
        .map((phase) => phase.phase_name),
    };
    if (object.revoked) {
      record.status = "revoked";
      const target = byStixId.get(revokedBy.get(object.id) ?? "");
      const targetId = target && attackId(target);
      if (targetId) record.revokedBy = targetId;
    } else if (object.x_mitre_deprecated) {
      record.status = "deprecated";
    }
    techniques[id] = record;
  }
  return { tactics, techniques };
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => a.localeCompare(b)),
  );
}

function main(): void {
  const reference = referenceFolder();
  const current = readRelease(resolve(reference, RELEASES.current.folder));
  const previous = readRelease(resolve(reference, RELEASES.previous.folder));

  // Keep from the previous release only what the current one lacks: ids it
  // dropped without a revoked-by link still need a name on rule pages.
  const previousOnly: Record<string, TechniqueRecord> = {};
  for (const [id, record] of Object.entries(previous.techniques)) {
    if (!current.techniques[id]) previousOnly[id] = record;
  }

  const data: AttackData = {
    description:
      "MITRE ATT&CK Enterprise techniques and tactics, generated by scripts/generate-attack.ts. See NOTICE in this folder.",
    attribution:
      "© 2026 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.",
    generatedAt: today(),
    version: RELEASES.current.version,
    source: RELEASES.current.origin,
    previousVersion: RELEASES.previous.version,
    previousSource: RELEASES.previous.origin,
    tactics: current.tactics,
    previousTactics: previous.tactics,
    techniques: sortedRecord(current.techniques),
    previousTechniques: sortedRecord(previousOnly),
  };
  writeJson("data/attack/enterprise-attack.json", data);

  // MITRE's licence requires the copyright designation and the licence
  // text in every copy, so the notice is copied as published.
  const licence = readFileSync(
    resolve(reference, RELEASES.current.folder, "LICENSE.txt"),
    "utf8",
  );
  writeFileSync(
    resolve(repositoryRoot, "data/attack/NOTICE"),
    `The files in this folder are derived from MITRE ATT&CK Enterprise\n` +
      `v${RELEASES.current.version} and v${RELEASES.previous.version}, STIX data from https://github.com/mitre/cti.\n` +
      `ATT&CK® is a registered trademark of The MITRE Corporation.\n\n` +
      licence,
  );
  console.log("wrote data/attack/NOTICE");
}

main();
