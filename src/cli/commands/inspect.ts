import { Option, type Command } from "commander";
import { PathError } from "../../node/path-error.js";
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
      const { inspectSource } = await import("../../inspect/inspect.js");
      const { renderInspectText } = await import("../../inspect/render-text.js");
      const { FileSource } = await import("../../node/file-source.js");
      const { loadPolicy } = await import("../../node/policy-file.js");
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
