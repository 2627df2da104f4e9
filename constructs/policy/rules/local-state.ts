import { violation } from "../attributes";
import { PolicyRule } from "../types";

export const LOCAL_STATE: PolicyRule = {
  id: "PLT-STATE-2",
  // Local state is what offline synth, validate and plan use; it must never be what applies.
  level: "warning",
  explanation:
    "the state is on local disk: unencrypted, unlocked and not shared, fine for offline checks but not for applying",
  fix: "configure an encrypted S3 backend: in an environment file, state.bucket and state.region; in a stack of your own, configureBackend() from @platform/cdktf-toolkit/stacks with a state bucket",
  appliesTo: ["backend:local"],
  check: () => [violation("local backend")],
};
