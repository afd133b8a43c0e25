import { Option, type Command } from "commander";
import { inspectSource } from "../../inspect/inspect.js";
import { renderInspectText } from "../../inspect/render-text.js";
import { FileSource } from "../../node/file-source.js";
import { loadPolicy } from "../../node/policy-file.js";
import { PathError } from "../../node/scan-paths.js";
import { EXIT } from "../exit-codes.js";
import type { CommandContext } from "./context.js";

interface InspectFlags {
  format: "text" | "json";
  policy?: string;
}

export function addInspectCommand(program: Command, ctx: CommandContext): void {
  program
    .command("inspect")
    .description("show what is inside a model file without loading it: containers, pickle calls, tensors, headers")
    .argument("<file>", "file to inspect")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-p, --policy <file>", "policy used to label imports (safe, dangerous, unknown)")
    .action(async (file: string, flags: InspectFlags) => {
      const policy = await loadPolicy(flags.policy);
      const source = await FileSource.open(file).catch((error: NodeJS.ErrnoException) => {
        throw new PathError(`cannot inspect ${JSON.stringify(file)}: ${error.code === "ENOENT" ? "no such file or directory" : error.message}`);
      });
      try {
        const report = await inspectSource(source, { path: file, policy });
        ctx.io.stdout.write(flags.format === "json" ? `${JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n` : renderInspectText(report));
        ctx.setExitCode(EXIT.ok);
      } finally {
        await source.close();
      }
    });
}
