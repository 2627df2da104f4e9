import { INTERRUPTION_EVENTS } from "../../constructs/karpenter/interruption-queue";
import { shippedEnvironments } from "../../stacks/environments";
import { EnvironmentWiring, Key, Role } from "./environment";
import { Call, Decision, simulate } from "./simulate";
import { coordinatesOf, synthesizeShipped } from "./synthesized";

/**
 * The calls AWS makes on the stacks' behalf at deploy and run time, evaluated by an IAM policy
 * simulator against the synthesized identity, key, queue and trust policies. A plan cannot see
 * these: a key policy that refuses EC2 only shows when a node terminates as it boots.
 */

const stacks = synthesizeShipped();
const environments = shippedEnvironments()
  .filter((environment) => environment.platform === "eks")
  .map((environment) => new EnvironmentWiring(environment.name, stacks));

/** Decides every call and compares the whole set at once, so a failure lists each wrong decision. */
async function expectDecisions(calls: Record<string, Call>, expected: Decision): Promise<void> {
  const labels = Object.keys(calls);
  expect(labels.length).toBeGreaterThan(0);
  const decided: Record<string, Decision> = {};
  for (const label of labels) decided[label] = await simulate(calls[label]);
  expect(decided).toEqual(Object.fromEntries(labels.map((label) => [label, expected])));
}

/** The account's IAM roles as callers, with the policies attached to them. */
function asRole(role: Role): Pick<Call, "caller" | "identityPolicies"> {
  return { caller: { role: role.arn }, identityPolicies: role.policies };
}

const ADMIN_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow" as const, Action: "*", Resource: "*" }],
};

test("a shipped environment asks for Spot capacity, so the Spot role check below has a case", () => {
  expect(environments.filter((env) => env.karpenter().capacityTypes.includes("spot"))).not.toEqual(
    [],
  );
});

describe.each(environments)("$name: access paths, simulated", (env) => {
  const { accountId, region, partition } = env.at;
  const viaEc2 = { "kms:ViaService": `ec2.${region}.amazonaws.com` };
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:${accountId}:${resource}`;
  const autoScaling = `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
  const intruder: Pick<Call, "caller" | "identityPolicies"> = {
    caller: { role: `arn:${partition}:iam::999999999999:role/intruder` },
    identityPolicies: [{ name: "admin", document: ADMIN_POLICY }],
  };

  /** What EC2 asks of KMS, with the launching principal's credentials, to create an encrypted volume. */
  function volumeEncryption(
    who: string,
    as: Pick<Call, "caller" | "identityPolicies">,
    keys: readonly Key[],
  ): Record<string, Call> {
    expect(keys.length).toBeGreaterThan(0);
    const actions = [
      "kms:DescribeKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:CreateGrant",
      "kms:Decrypt",
    ];
    return Object.fromEntries(
      keys.flatMap((key) =>
        actions.map((action): [string, Call] => [
          `${who} ${action} on ${key.arn}`,
          {
            ...as,
            action,
            resource: key.arn,
            resourceAccount: accountId,
            resourcePolicy: key.policy,
            context: {
              ...viaEc2,
              // EC2 attaches the volume through a grant it creates for itself.
              ...(action === "kms:CreateGrant" ? { "kms:GrantIsForAWSResource": "true" } : {}),
            },
          },
        ]),
      ),
    );
  }

  /** A service principal assuming a role through its trust policy. */
  function assume(service: string, role: Role, actions: string[], context = {}) {
    return Object.fromEntries(
      actions.map((action): [string, Call] => [
        `${service} ${action} ${role.name}`,
        {
          caller: { service },
          action,
          resource: role.arn,
          resourceAccount: accountId,
          resourcePolicy: role.trust,
          context,
        },
      ]),
    );
  }

  /** Tags Karpenter puts on what it launches for a node pool (EC2NodeClass `default`). */
  function launchTags(clusterName: string, nodePool: string): Record<string, string> {
    return {
      [`kubernetes.io/cluster/${clusterName}`]: "owned",
      "eks:eks-cluster-name": clusterName,
      "karpenter.sh/nodepool": nodePool,
      "karpenter.k8s.aws/ec2nodeclass": "default",
      "karpenter.sh/nodeclaim": `${nodePool}-abcde`,
    };
  }

  /** The context of a request that sets these tags. */
  function requesting(tags: Record<string, string>): Record<string, string | string[]> {
    return {
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
      "aws:TagKeys": Object.keys(tags),
    };
  }

  /** The context of a request on a resource that carries these tags. */
  function carrying(tags: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
  }

  function ownedBy(clusterName: string, nodePool: string) {
    return carrying({
      [`kubernetes.io/cluster/${clusterName}`]: "owned",
      "karpenter.sh/nodepool": nodePool,
    });
  }

  describe("allowed", () => {
    test("EC2 creates a Karpenter node's encrypted volume with the EC2NodeClass key, acting for the controller", async () => {
      const karpenter = env.karpenter();
      const keys = karpenter.nodeClasses.flatMap((nodeClass) => nodeClass.volumeKeys);
      await expectDecisions(
        volumeEncryption("controller via ec2", asRole(karpenter.controllerRole), keys),
        "Allowed",
      );
    });

    test("EC2 creates the system nodes' encrypted volumes, acting for the Auto Scaling service-linked role", async () => {
      const keys = env.nodeGroups().flatMap((group) => group.volumeKeys);
      // Its AWS managed policy grants no customer managed key: the key policy alone must allow it.
      await expectDecisions(
        volumeEncryption(
          "AWSServiceRoleForAutoScaling via ec2",
          { caller: { role: autoScaling } },
          keys,
        ),
        "Allowed",
      );
    });

    test("EKS encrypts and decrypts secrets with the cluster role, whoever deployed the cluster", async () => {
      const cluster = env.cluster();
      const calls: Record<string, Call> = {};
      for (const action of ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]) {
        for (const via of [{}, { "kms:ViaService": `eks.${region}.amazonaws.com` }] as Record<
          string,
          string
        >[]) {
          calls[`cluster role ${action} ${JSON.stringify(via)}`] = {
            ...asRole(cluster.role),
            action,
            resource: cluster.secretsKey.arn,
            resourceAccount: accountId,
            resourcePolicy: cluster.secretsKey.policy,
            context: via,
          };
        }
      }
      await expectDecisions(calls, "Allowed");
    });

    test("CloudWatch Logs encrypts every encrypted log group with its key, bound to the group's ARN", async () => {
      const groups = env.encryptedLogGroups();
      expect(groups.map((g) => g.name).sort()).toEqual([
        `/aws/eks/${env.cluster().name}/cluster`,
        expect.stringMatching(/^\/aws\/vpc-flow-logs\//),
      ]);
      const calls: Record<string, Call> = {};
      for (const group of groups) {
        for (const action of ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"]) {
          calls[`${group.name} ${action}`] = {
            caller: { service: `logs.${region}.amazonaws.com` },
            action,
            resource: group.key.arn,
            resourceAccount: accountId,
            resourcePolicy: group.key.policy,
            context: { "kms:EncryptionContext:aws:logs:arn": group.arn },
          };
        }
      }
      await expectDecisions(calls, "Allowed");
    });

    test("VPC flow logs assume their role and write to their log group", async () => {
      const calls: Record<string, Call> = {};
      for (const flowLog of env.flowLogs()) {
        Object.assign(
          calls,
          assume("vpc-flow-logs.amazonaws.com", flowLog.role, ["sts:AssumeRole"], {
            "aws:SourceAccount": accountId,
            "aws:SourceArn": flowLog.arn,
          }),
        );
        const stream = `${flowLog.destination}:log-stream:eni-0123456789abcdef0-all`;
        for (const [action, resource] of [
          ["logs:CreateLogStream", stream],
          ["logs:PutLogEvents", stream],
          ["logs:DescribeLogStreams", flowLog.destination],
          // Takes no resource: the service authorization reference lists it on * only.
          ["logs:DescribeLogGroups", "*"],
        ]) {
          calls[`flow logs ${action}`] = {
            ...asRole(flowLog.role),
            action,
            resource,
            resourceAccount: accountId,
          };
        }
      }
      await expectDecisions(calls, "Allowed");
    });

    test("the Karpenter controller launches, tags and terminates nodes tagged for its cluster and node pool", async () => {
      const karpenter = env.karpenter();
      const controller = asRole(karpenter.controllerRole);
      const cluster = karpenter.clusterName;
      const calls: Record<string, Call> = {};
      const call = (label: string, action: string, resource: string, context = {}) => {
        calls[`${label}: ${action} ${resource}`] = {
          ...controller,
          action,
          resource,
          resourceAccount: accountId,
          context,
        };
      };
      expect(karpenter.nodePools.length).toBeGreaterThan(0);
      for (const pool of karpenter.nodePools) {
        const tags = requesting(launchTags(cluster, pool));
        const instance = ec2("instance/i-0123456789abcdef0");
        const template = ec2("launch-template/lt-0123456789abcdef0");
        // Public AMIs are Amazon's, but EC2 authorizes launching them by launch permission, not by
        // a resource policy: the image is simulated as a resource of the caller's account.
        const image = `arn:${partition}:ec2:${region}::image/ami-0123456789abcdef0`;
        const subnet = ec2("subnet/subnet-0123456789abcdef0");
        // What each launch call creates (and tags at creation) and what it uses, per the service
        // authorization reference's resource types of the action.
        const launches = {
          CreateFleet: {
            created: [ec2("fleet/fleet-01234567"), instance, ec2("volume/vol-0123456789abcdef0")],
            used: [image, subnet],
          },
          RunInstances: {
            created: [
              instance,
              ec2("volume/vol-0123456789abcdef0"),
              ec2("network-interface/eni-0123456789abcdef0"),
              ec2("spot-instances-request/sir-01234567"),
            ],
            used: [image, subnet, ec2("security-group/sg-0123456789abcdef0")],
          },
        };
        call(pool, "ec2:CreateLaunchTemplate", template, tags);
        call(pool, "ec2:CreateTags", template, {
          ...tags,
          "ec2:CreateAction": "CreateLaunchTemplate",
        });
        for (const [launch, { created, used }] of Object.entries(launches)) {
          for (const resource of created) {
            call(pool, `ec2:${launch}`, resource, tags);
            call(pool, "ec2:CreateTags", resource, { ...tags, "ec2:CreateAction": launch });
          }
          for (const resource of used) call(pool, `ec2:${launch}`, resource, tags);
          call(pool, `ec2:${launch}`, template, { ...tags, ...ownedBy(cluster, pool) });
        }
        // After launch the node claim names the instance.
        call(`${pool} node claim`, "ec2:CreateTags", instance, {
          ...ownedBy(cluster, pool),
          ...requesting({ "karpenter.sh/nodeclaim": `${pool}-abcde`, Name: `${pool}-abcde` }),
        });
        call(pool, "ec2:TerminateInstances", instance, ownedBy(cluster, pool));
        call(pool, "ec2:DeleteLaunchTemplate", template, ownedBy(cluster, pool));
      }
      await expectDecisions(calls, "Allowed");
    });

    test("the Karpenter controller passes the node role to EC2 through the instance profiles it manages", async () => {
      const karpenter = env.karpenter();
      const controller = asRole(karpenter.controllerRole);
      const cluster = karpenter.clusterName;
      const profile = `arn:${partition}:iam::${accountId}:instance-profile/${cluster}_1234567890`;
      const profileTags = {
        [`kubernetes.io/cluster/${cluster}`]: "owned",
        "eks:eks-cluster-name": cluster,
        "topology.kubernetes.io/region": region,
        "karpenter.k8s.aws/ec2nodeclass": "default",
      };
      const requested = requesting(profileTags);
      const existing = carrying(profileTags);
      const calls: Record<string, Call> = {};
      for (const nodeClass of karpenter.nodeClasses) {
        calls[`pass ${nodeClass.role.name} to ec2`] = {
          ...controller,
          action: "iam:PassRole",
          resource: nodeClass.role.arn,
          resourceAccount: accountId,
          context: { "iam:PassedToService": "ec2.amazonaws.com" },
        };
      }
      for (const [action, context] of [
        ["iam:CreateInstanceProfile", requested],
        ["iam:TagInstanceProfile", { ...existing, ...requested }],
        ["iam:AddRoleToInstanceProfile", existing],
        ["iam:GetInstanceProfile", {}],
      ] as const) {
        calls[action] = {
          ...controller,
          action,
          resource: profile,
          resourceAccount: accountId,
          context,
        };
      }
      await expectDecisions(calls, "Allowed");
    });

    // ssm:GetParameter on AWS's public AMI parameters is left out: their ARNs have no account
    // (arn:aws:ssm:<region>::parameter/aws/service/...), which the simulator cannot take.
    test("the Karpenter controller discovers its cluster, subnets, AMIs, capacity and prices", async () => {
      const karpenter = env.karpenter();
      const cluster = env.cluster();
      const controller = asRole(karpenter.controllerRole);
      const inRegion = { "aws:RequestedRegion": region };
      const calls: Record<string, Call> = {
        "eks:DescribeCluster": {
          ...controller,
          action: "eks:DescribeCluster",
          resource: cluster.arn,
          resourceAccount: accountId,
        },
        "pricing:GetProducts": {
          ...controller,
          action: "pricing:GetProducts",
          resource: "*",
          resourceAccount: accountId,
        },
      };
      for (const action of [
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstances",
      ]) {
        calls[action] = {
          ...controller,
          action,
          resource: "*",
          resourceAccount: accountId,
          context: inRegion,
        };
      }
      await expectDecisions(calls, "Allowed");
    });

    test("the Karpenter controller reads and deletes interruption messages from the queue its chart names", async () => {
      const karpenter = env.karpenter();
      const calls = Object.fromEntries(
        ["sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:DeleteMessage"].map(
          (action): [string, Call] => [
            action,
            {
              ...asRole(karpenter.controllerRole),
              action,
              resource: karpenter.queue.arn,
              resourceAccount: accountId,
              resourcePolicy: karpenter.queue.policy,
            },
          ],
        ),
      );
      await expectDecisions(calls, "Allowed");
    });

    test("EventBridge delivers every interruption rule's events to its queue", async () => {
      const targets = env.eventTargets();
      expect(targets.length).toBe(Object.keys(INTERRUPTION_EVENTS).length);
      const calls = Object.fromEntries(
        targets.map(({ rule, target }): [string, Call] => [
          rule,
          {
            caller: { service: "events.amazonaws.com" },
            action: "sqs:SendMessage",
            resource: target,
            resourceAccount: accountId,
            resourcePolicy: env.queue(target).policy,
            context: { "aws:SourceArn": rule, "aws:SourceAccount": accountId },
          },
        ]),
      );
      await expectDecisions(calls, "Allowed");
    });

    test("managed node group roles carry the ECR policy EKS checks for at CreateNodegroup", () => {
      const groups = env.nodeGroups();
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups) {
        expect([group.name, group.role.managedPolicies]).toEqual([
          group.name,
          expect.arrayContaining([
            "AmazonEC2ContainerRegistryPullOnly",
            "AmazonEC2ContainerRegistryReadOnly",
          ]),
        ]);
      }
    });

    test("EC2 finds the Spot service-linked role in the account when Karpenter may ask for Spot", () => {
      // Karpenter's controller may not create it; without it every Spot launch fails.
      const spotRoleStacks = [...stacks]
        .filter(([name, json]) => {
          const roles = Object.values(json.resource?.aws_iam_service_linked_role ?? {});
          return (
            roles.some((role) => role.aws_service_name === "spot.amazonaws.com") &&
            coordinatesOf(name, json).accountId === accountId
          );
        })
        .map(([name]) => name);
      const asksForSpot = env.karpenter().capacityTypes.includes("spot");
      expect({ asksForSpot, spotRoleStacks }).toEqual({
        asksForSpot,
        spotRoleStacks: asksForSpot ? [expect.stringMatching(/-bootstrap$/)] : expect.any(Array),
      });
    });

    test("each role trusts the service that assumes it", async () => {
      const cluster = env.cluster();
      const karpenter = env.karpenter();
      const nodeRoles = [
        ...env.nodeGroups().map((group) => group.role),
        ...karpenter.nodeClasses.map((nodeClass) => nodeClass.role),
      ];
      await expectDecisions(
        {
          ...assume("eks.amazonaws.com", cluster.role, ["sts:AssumeRole", "sts:TagSession"]),
          // EKS Pod Identity tags the session with the pod's cluster, namespace and service account.
          ...assume("pods.eks.amazonaws.com", karpenter.controllerRole, [
            "sts:AssumeRole",
            "sts:TagSession",
          ]),
          ...Object.assign(
            {},
            ...nodeRoles.map((role) => assume("ec2.amazonaws.com", role, ["sts:AssumeRole"])),
          ),
        },
        "Allowed",
      );
    });
  });

  describe("denied", () => {
    test("a principal of another account, even an administrator there, uses no key, queue or role", async () => {
      const karpenter = env.karpenter();
      const cluster = env.cluster();
      const [ebsKey] = karpenter.nodeClasses[0].volumeKeys;
      const [logGroup] = env.encryptedLogGroups();
      const on = (resource: string, resourcePolicy: Call["resourcePolicy"]) => ({
        ...intruder,
        resource,
        resourceAccount: accountId,
        resourcePolicy,
      });
      await expectDecisions(
        {
          "EBS key via ec2: GenerateDataKeyWithoutPlaintext": {
            ...on(ebsKey.arn, ebsKey.policy),
            action: "kms:GenerateDataKeyWithoutPlaintext",
            context: viaEc2,
          },
          "EBS key via ec2: CreateGrant": {
            ...on(ebsKey.arn, ebsKey.policy),
            action: "kms:CreateGrant",
            context: { ...viaEc2, "kms:GrantIsForAWSResource": "true" },
          },
          "secrets key: Decrypt": {
            ...on(cluster.secretsKey.arn, cluster.secretsKey.policy),
            action: "kms:Decrypt",
          },
          "logs key: Decrypt": {
            ...on(logGroup.key.arn, logGroup.key.policy),
            action: "kms:Decrypt",
          },
          "queue: ReceiveMessage": {
            ...on(karpenter.queue.arn, karpenter.queue.policy),
            action: "sqs:ReceiveMessage",
          },
          "controller role: AssumeRole": {
            ...on(karpenter.controllerRole.arn, karpenter.controllerRole.trust),
            action: "sts:AssumeRole",
          },
        },
        "ImplicitlyDenied",
      );
    });

    test("CloudWatch Logs cannot use a key for another account's log group", async () => {
      const [group] = env.encryptedLogGroups();
      await expectDecisions(
        {
          GenerateDataKey: {
            caller: { service: `logs.${region}.amazonaws.com` },
            action: "kms:GenerateDataKey",
            resource: group.key.arn,
            resourceAccount: accountId,
            resourcePolicy: group.key.policy,
            context: {
              "kms:EncryptionContext:aws:logs:arn": group.arn.replace(accountId, "999999999999"),
            },
          },
        },
        "ImplicitlyDenied",
      );
    });

    test("the EBS key is usable only through EC2", async () => {
      const karpenter = env.karpenter();
      const [key] = karpenter.nodeClasses[0].volumeKeys;
      const direct = (context: Record<string, string>): Call => ({
        ...asRole(karpenter.controllerRole),
        action: "kms:Decrypt",
        resource: key.arn,
        resourceAccount: accountId,
        resourcePolicy: key.policy,
        context,
      });
      await expectDecisions(
        {
          "called directly": direct({}),
          "through another service": direct({ "kms:ViaService": `rds.${region}.amazonaws.com` }),
        },
        "ImplicitlyDenied",
      );
    });

    test("the interruption queue refuses calls without TLS", async () => {
      const karpenter = env.karpenter();
      const [{ rule }] = env.eventTargets();
      const insecure = { "aws:SecureTransport": "false" };
      await expectDecisions(
        {
          "controller ReceiveMessage": {
            ...asRole(karpenter.controllerRole),
            action: "sqs:ReceiveMessage",
            resource: karpenter.queue.arn,
            resourceAccount: accountId,
            resourcePolicy: karpenter.queue.policy,
            context: insecure,
          },
          "EventBridge SendMessage": {
            caller: { service: "events.amazonaws.com" },
            action: "sqs:SendMessage",
            resource: karpenter.queue.arn,
            resourceAccount: accountId,
            resourcePolicy: karpenter.queue.policy,
            context: { ...insecure, "aws:SourceArn": rule, "aws:SourceAccount": accountId },
          },
        },
        "ExplicitlyDenied",
      );
    });

    test("the interruption queue takes events only from its own rules", async () => {
      const karpenter = env.karpenter();
      const [{ rule }] = env.eventTargets();
      const send = (service: string, context: Record<string, string>): Call => ({
        caller: { service },
        action: "sqs:SendMessage",
        resource: karpenter.queue.arn,
        resourceAccount: accountId,
        resourcePolicy: karpenter.queue.policy,
        context,
      });
      const elsewhere = rule.replace(accountId, "999999999999");
      await expectDecisions(
        {
          "a rule of another account": send("events.amazonaws.com", {
            "aws:SourceArn": elsewhere,
            "aws:SourceAccount": "999999999999",
          }),
          "another rule of this account": send("events.amazonaws.com", {
            "aws:SourceArn": rule.replace(/rule\/.*$/, "rule/someone-elses-rule"),
            "aws:SourceAccount": accountId,
          }),
          "SQS acting for another account": send("sqs.amazonaws.com", {
            "aws:SourceArn": `arn:${partition}:sqs:${region}:999999999999:queue`,
            "aws:SourceAccount": "999999999999",
          }),
        },
        "ImplicitlyDenied",
      );
    });

    test("the controller passes only the node role, and only to EC2", async () => {
      const karpenter = env.karpenter();
      const pass = (role: Role, service: string): Call => ({
        ...asRole(karpenter.controllerRole),
        action: "iam:PassRole",
        resource: role.arn,
        resourceAccount: accountId,
        context: { "iam:PassedToService": service },
      });
      await expectDecisions(
        {
          "node role to Lambda": pass(karpenter.nodeClasses[0].role, "lambda.amazonaws.com"),
          "cluster role to EC2": pass(env.cluster().role, "ec2.amazonaws.com"),
        },
        "ImplicitlyDenied",
      );
    });

    test("the controller launches and terminates nothing that is not tagged for its cluster", async () => {
      const karpenter = env.karpenter();
      const cluster = karpenter.clusterName;
      const [pool] = karpenter.nodePools;
      const untagged = launchTags(cluster, pool);
      delete untagged[`kubernetes.io/cluster/${cluster}`];
      const instance = ec2("instance/i-0123456789abcdef0");
      const controller = asRole(karpenter.controllerRole);
      await expectDecisions(
        {
          "RunInstances without the cluster tag": {
            ...controller,
            action: "ec2:RunInstances",
            resource: instance,
            resourceAccount: accountId,
            context: requesting(untagged),
          },
          "CreateFleet for another cluster": {
            ...controller,
            action: "ec2:CreateFleet",
            resource: instance,
            resourceAccount: accountId,
            context: requesting(launchTags("another-cluster", pool)),
          },
          "TerminateInstances of another cluster": {
            ...controller,
            action: "ec2:TerminateInstances",
            resource: instance,
            resourceAccount: accountId,
            context: ownedBy("another-cluster", pool),
          },
        },
        "ImplicitlyDenied",
      );
    });

    test("roles trust no other service", async () => {
      const karpenter = env.karpenter();
      await expectDecisions(
        {
          ...assume("ec2.amazonaws.com", karpenter.controllerRole, ["sts:AssumeRole"]),
          ...assume("pods.eks.amazonaws.com", env.cluster().role, ["sts:AssumeRole"]),
        },
        "ImplicitlyDenied",
      );
    });
  });
});
