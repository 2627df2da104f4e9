import { App } from "cdktf";
import { buildApp } from "./stacks/app";
import { shippedEnvironments } from "./stacks/environments";
import { isOffline } from "./stacks/offline";

// Every environment file passes through the same validation as any untrusted input; an invalid
// one stops synth with every problem of every file listed before any stack is emitted.
try {
  const environments = shippedEnvironments();
  const app = new App();
  buildApp(app, environments, { offline: isOffline() });
  app.synth();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
