export { notebookHandler, sniffNotebook, NOTEBOOK_MAX_BYTES } from "./handler.js";
export { readNotebook, type NotebookDocument } from "./parse.js";
export { findShellCommands, type ShellCommand } from "./magics.js";
