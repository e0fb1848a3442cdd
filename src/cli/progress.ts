import cliProgress from "cli-progress";
import type { BuildProgress } from "../catalog/build.ts";

const PHASE_NAMES: Record<BuildProgress["phase"], string> = {
  read: "Reading",
  analyse: "Analysing",
  write: "Writing",
};

/**
 * Shows build progress as a bar on a terminal, and nothing elsewhere, so
 * logs in CI stay readable. Returns the progress callback and a stop
 * function that clears the bar.
 */
export function createProgressDisplay(
  stream: NodeJS.WriteStream = process.stderr,
): {
  update: (progress: BuildProgress) => void;
  stop: () => void;
} {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "{phase} [{bar}] {value}/{total} {label}",
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let current = "";
  return {
    update(progress) {
      const key = `${progress.phase} ${progress.label ?? ""}`;
      const payload = {
        phase: PHASE_NAMES[progress.phase],
        label: progress.label ?? "",
      };
      if (key !== current) {
        if (current !== "") bar.stop();
        bar.start(progress.total, progress.done, payload);
        current = key;
      } else {
        bar.update(progress.done, payload);
      }
    },
    stop() {
      if (current !== "") bar.stop();
    },
  };
}
