export { ProtoReader, isLen, isVarint, type LenField, type MessageScope, type ProtoField, type ProtoRange, type ProtoReaderOptions, type VarintField } from "./reader.js";
export { decodeVarint, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from "./varint.js";
export { MAX_PROTO_DEPTH, MAX_PROTO_FIELDS, MAX_PROTO_TEXT_BYTES } from "./limits.js";
export { isIdentifierText, sniffFields, type SniffSpan, type SniffedField } from "./sniff.js";
