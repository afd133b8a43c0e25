import type { JoblibArrayFacts } from "./array-wrapper.js";

/** What a joblib dump's array wrappers said, beside the pickle document the pickle rules read. */
export interface JoblibDocument {
  format: "joblib-arrays";
  facts: JoblibArrayFacts;
}
