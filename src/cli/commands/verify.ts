import { Option, type Command } from "commander";
import { safeLine } from "../../core/safe-text.js";
import type { TrustedIdentity } from "../../node/signing/sigstore-keyless.js";
import type { TrustedSigners } from "../../node/signing/verify-model.js";
import { EXIT, UsageError } from "../exit-codes.js";
import type { CommandContext } from "./context.js";
import { addModelOptions, reportFailure, type ModelFlags } from "./hash.js";

/** The trust flags of `verify`, shared with `scan --require-signature`. */
export interface TrustFlags {
  publicKey?: string;
  certificateChain: string[];
  identity?: string;
  identityProvider?: string;
  trustRoot?: string;
  public_key?: string;
  certificate_chain: string[];
  identity_provider?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `--public-key`, `--certificate-chain`, `--identity`, `--identity-provider`, `--trust-root` (+ the reference's spellings). */
export function addTrustOptions(command: Command): Command {
  return command
    .option("--public-key <pem>", "trust signatures made with this EC public key")
    .option("--certificate-chain <pem>", "trust certificates issued under these CA certificates (PEM); repeatable", collect, [])
    .option("--identity <identity>", "trust keyless Sigstore signatures by this identity (email or URI)")
    .option("--identity-provider <url>", "the OIDC issuer of --identity, e.g. https://accounts.google.com")
    .option("--trust-root <file>", "Sigstore trusted_root.json to use instead of the pinned public-good one")
    .addOption(new Option("--public_key <pem>").hideHelp())
    .addOption(new Option("--certificate_chain <pem>").hideHelp().argParser(collect).default([]))
    .addOption(new Option("--identity_provider <url>").hideHelp());
}

/**
 * The trusted signers the flags name.
 *
 * @throws UsageError when --identity and --identity-provider do not come together.
 */
export function trustedSignersFromFlags(flags: TrustFlags): TrustedSigners {
  const publicKey = flags.publicKey ?? flags.public_key;
  const provider = flags.identityProvider ?? flags.identity_provider;
  if ((flags.identity === undefined) !== (provider === undefined)) throw new UsageError("--identity and --identity-provider go together: keyless signatures are trusted by identity and issuer");
  const identities: TrustedIdentity[] = flags.identity !== undefined && provider !== undefined ? [{ identity: flags.identity, issuer: provider }] : [];
  return {
    publicKeys: publicKey === undefined ? [] : [publicKey],
    certificateChain: [...flags.certificateChain, ...flags.certificate_chain],
    identities,
    trustRoot: flags.trustRoot,
  };
}

interface VerifyFlags extends ModelFlags, TrustFlags {
  signature?: string;
  lock?: string;
}

export function addVerifyCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command("verify")
    .description("verify a model against its signature (offline), or against a lock file with --lock")
    .argument("<model>", "model folder or file")
    .option("--signature <path>", "the signature to check (default: model.sig inside a model folder, FILE.sig next to a one-file model)")
    .option("--lock <file>", "check the model against a lock file from 'modelvet lock' instead of a signature");
  addModelOptions(addTrustOptions(command)).action(async (model: string, flags: VerifyFlags) => {
    const { verifyLock, verifyModel } = await import("../../node/signing/verify-model.js");
    const { defaultSignaturePath } = await import("../../node/signing/signature-place.js");
    const local = { ignorePaths: flags.ignorePaths, ignoreGitPaths: flags.ignoreGitPaths, allowSymlinks: flags.allowSymlinks };
    try {
      if (flags.lock !== undefined) {
        const manifest = await verifyLock(model, flags.lock, local);
        ctx.io.stdout.write(`Verification succeeded: ${JSON.stringify(model)} matches the lock file ${flags.lock} (${manifest.items.length} resource(s))\n`);
      } else {
        const signaturePath = flags.signature ?? (await defaultSignaturePath(model));
        const result = await verifyModel(model, { ...local, signaturePath, ...trustedSignersFromFlags(flags) });
        for (const note of result.notes) ctx.io.stderr.write(`modelvet: note: ${safeLine(note)}\n`);
        ctx.io.stdout.write(`Verification succeeded: ${JSON.stringify(model)} matches ${signaturePath}, signed with ${result.signer} (${result.manifest.items.length} resource(s))\n`);
      }
      ctx.setExitCode(EXIT.ok);
    } catch (error) {
      ctx.setExitCode(reportFailure(error, ctx.io));
    }
  });
}
