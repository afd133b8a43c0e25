import type { ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";

/** What every command gets from main: the streams, and a place to leave its exit code. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: ExitCode): void;
}
