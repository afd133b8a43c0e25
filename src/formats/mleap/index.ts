export { detectMleap, MAX_MLEAP_JSON_BYTES, type MleapDocument } from "./bundle.js";
