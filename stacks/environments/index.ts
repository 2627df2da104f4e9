import type { EnvironmentInput } from "../environment/schema";
import { dev } from "./dev";
import { onprem } from "./onprem";
import { prod } from "./prod";
import { staging } from "./staging";

/** The environments this repository deploys, in promotion order. */
export const SHIPPED_ENVIRONMENTS: readonly EnvironmentInput[] = [dev, staging, prod, onprem];
