import { buildApp } from "./stacks/app";
import { shippedEnvironments } from "./stacks/environments";
import { isOffline } from "./stacks/offline";
import { synthesizeAtomically } from "./scripts/lib/synth-output";

// Every environment file passes through the same validation as any untrusted input; an invalid
// one stops synth with every problem of every file listed, and the output folder is left with
// nothing in it (scripts/lib/synth-output.ts): no stack of this run, none of the previous one.
try {
  synthesizeAtomically(process.env.CDKTF_OUTDIR || "cdktf.out", (app) =>
    buildApp(app, shippedEnvironments(), { offline: isOffline() }),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
