import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";

export interface AwsAccountTarget {
  readonly accountId: string;
  readonly region: string;
  readonly assumeRoleArn?: string;
}

export interface AwsProviderOptions {
  /** Environment name, for the default `environment` tag and the assume-role session name. */
  readonly environment: string;
  readonly owner: string;
  readonly target: AwsAccountTarget;
  /**
   * Fake credentials and no AWS calls, for synth, validate and plan without an account; usually
   * `isOffline()` (the `PLATFORM_OFFLINE` variable).
   */
  readonly offline: boolean;
  /** Construct ID and alias, for a second provider in one stack. */
  readonly id?: string;
  readonly alias?: string;
}

/**
 * The one place AWS providers are configured. `allowed_account_ids` makes Terraform refuse to
 * touch any other account, whatever credentials the caller holds.
 */
export function awsProvider(scope: Construct, options: AwsProviderOptions): AwsProvider {
  const { target, offline } = options;
  return new AwsProvider(scope, options.id ?? "aws", {
    alias: options.alias,
    region: target.region,
    // Offline there is no account to check (the provider skips asking for it, and would refuse
    // the empty ID); the fake credentials cannot reach any account anyway.
    allowedAccountIds: offline ? undefined : [target.accountId],
    assumeRole:
      target.assumeRoleArn && !offline
        ? [{ roleArn: target.assumeRoleArn, sessionName: `cdktf-${options.environment}` }]
        : undefined,
    defaultTags: [
      {
        tags: {
          environment: options.environment,
          "managed-by": "cdktf",
          owner: options.owner,
        },
      },
    ],
    ...(offline
      ? {
          accessKey: "offline-access-key",
          secretKey: "offline-secret-key",
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: "true",
          skipRegionValidation: true,
        }
      : {}),
  });
}
