export { h2oBinaryHandler, h2oMojoHandler, type H2oBinaryDocument, type H2oMojoDocument } from "./handler.js";
export { parseIcedHeader, looksLikeIcedModel, type IcedHeader } from "./iced-header.js";
export { parseModelIni, looksLikeModelIni, type MojoIni } from "./model-ini.js";
