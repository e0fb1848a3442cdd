import type { QueryLanguage } from "../registry.ts";
import { analyseSigma } from "./analyse.ts";

export type { SigmaQueryData, SigmaSection } from "./types.ts";

/** Sigma detections and correlations; `queryData` is a `SigmaQueryData`. */
export const sigmaLanguage: QueryLanguage = {
  id: "sigma",
  name: "Sigma",
  analyse: analyseSigma,
};
