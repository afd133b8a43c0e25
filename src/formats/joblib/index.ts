export { joblibHooks, collectingJoblibHooks, isJoblibWrapperName, type JoblibArrayFacts, type SideFileReference } from "./array-wrapper.js";
export { joblibHandler, joblibView } from "./handler.js";
export { zfileHandler, readZFileHeader, type ZFileDocument } from "./zfile.js";
export type { JoblibDocument } from "./types.js";
