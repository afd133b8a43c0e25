import type { ShellCommand } from "../../formats/notebook/magics.js";
import type { NotebookDocument } from "../../formats/notebook/parse.js";
import type { Hit } from "../types.js";

/** Findings per rule per notebook before the rest are summarised. */
const MAX_REPORTS = 25;

export function reportCommands(doc: NotebookDocument, report: (hit: Hit) => void, options: { kind: ShellCommand["kind"]; describe: (c: ShellCommand) => string }): void {
  const { kind, describe } = options;
  const matching = doc.shellCommands.filter((c) => c.kind === kind);
  for (const command of matching.slice(0, MAX_REPORTS)) report({ message: describe(command), evidence: command.text });
  const rest = Math.max(0, matching.length - MAX_REPORTS);
  if (rest > 0) report({ message: `${rest} more line(s) of the same kind were not listed` });
}
