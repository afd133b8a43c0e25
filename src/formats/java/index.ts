export { javaHandler, searchCarrier, JAVA_STREAM_FORMAT, JAVA_CARRIER_FORMAT, type JavaCarrierDocument } from "./handler.js";
export { parseJavaStream, type JavaParseOptions, type JavaParseResult } from "./parse.js";
export { parseJavaStreamAt, findJavaMagic } from "./source-reads.js";
export type { JavaClassDesc, JavaField, JavaStreamDocument, JavaByteArray, JavaStringSample } from "./types.js";
