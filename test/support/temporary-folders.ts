import { after } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const folders: string[] = [];

/** Creates a temporary folder that is removed when the test file ends. */
export function temporaryFolder(prefix = "ruleatlas-test-"): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

after(() => {
  for (const folder of folders)
    rmSync(folder, { recursive: true, force: true });
});
