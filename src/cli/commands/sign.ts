import { Option, type Command } from "commander";
import { stat } from "node:fs/promises";
import { EXIT, UsageError } from "../exit-codes.js";
import type { CommandContext } from "./context.js";
import { addModelOptions, addSerializationOptions, asUsageError, reportFailure, type ModelFlags, type SerializationFlags } from "./hash.js";

interface SignFlags extends ModelFlags, SerializationFlags {
  /** Default: the model's own place (defaultSignaturePath), not the current folder as the reference. */
  signature?: string;
  force?: boolean;
  key?: string;
  privateKey?: string;
  certificate?: string;
  signingCertificate?: string;
  certificateChain: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addSignCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command("sign")
    .description("sign a model (OpenSSF model signing: Sigstore bundle, DSSE, in-toto) with an EC key or a certificate")
    .argument("<model>", "model folder or file")
    .option("--signature <path>", "where to write the signature (default: model.sig inside a model folder, FILE.sig next to a one-file model)")
    .option("--force", "overwrite an existing signature file given with --signature")
    .option("--key <pem>", "EC private key (P-256, P-384 or P-521), PEM, unencrypted")
    .option("--certificate <pem>", "signing certificate for --key (private PKI)")
    .option("--certificate-chain <pem>", "intermediate certificates to put in the signature; repeatable", collect, [])
    // The reference CLI's spellings, so its commands work unchanged.
    .addOption(new Option("--private_key <pem>").hideHelp())
    .addOption(new Option("--signing_certificate <pem>").hideHelp())
    .addOption(new Option("--certificate_chain <pem>").hideHelp().argParser(collect).default([]));
  addSerializationOptions(addModelOptions(command)).action(async (model: string, raw: SignFlags & { certificate_chain: string[]; private_key?: string; signing_certificate?: string }) => {
    const key = raw.key ?? raw.private_key;
    if (key === undefined) throw new UsageError("sign needs --key PEM (keyless Sigstore signing needs the network and is not supported; sign with a key or a certificate)");
    const { signModel } = await import("../../node/signing/sign-model.js");
    const { defaultSignaturePath } = await import("../../node/signing/signature-place.js");
    try {
      const signaturePath = raw.signature ?? (await defaultSignaturePath(model));
      // A shared --signature path would silently replace another model's signature; the default
      // place is this model's own, so re-signing it there is an update, not a loss.
      if (raw.signature !== undefined && raw.force !== true && (await exists(raw.signature))) {
        throw new UsageError(`${JSON.stringify(raw.signature)} already exists (it may sign another model); pass --force to overwrite it, or leave out --signature to write the model's own signature`);
      }
      const signed = await signModel(model, {
        key,
        certificate: raw.certificate ?? raw.signing_certificate,
        certificateChain: [...raw.certificateChain, ...raw.certificate_chain],
        signaturePath,
        ignorePaths: raw.ignorePaths,
        ignoreGitPaths: raw.ignoreGitPaths,
        allowSymlinks: raw.allowSymlinks,
        hashType: raw.hashType,
        shardSize: raw.shardSize,
      }).catch(asUsageError);
      const files = new Set(signed.manifest.items.map((i) => i.name.replace(/:\d+:\d+$/, ""))).size;
      ctx.io.stdout.write(`Signing succeeded: wrote ${signed.signaturePath} for ${files} file(s), signed with ${signed.signer}\n`);
      ctx.setExitCode(EXIT.ok);
    } catch (error) {
      ctx.setExitCode(reportFailure(error, ctx.io));
    }
  });
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
