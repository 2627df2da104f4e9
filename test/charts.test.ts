// The specs of charts (SPEC_GROUPS in support/spec-groups.ts), in one module registry.
import { loadSpecs } from "./support/spec-groups";

loadSpecs("charts");
