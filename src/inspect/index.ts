export { inspectSource, MAX_ROWS, type InspectReport, type InspectSection, type PickleView, type TensorRow, type Table } from "./inspect.js";
export { renderInspectText } from "./render-text.js";
export { disassemble, MAX_LISTED_OPS, type OpLine } from "./disassemble.js";
