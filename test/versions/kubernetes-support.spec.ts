import { AnnotationMetadataEntryType, App } from "cdktf";
import {
  SUPPORT_DATE_VARIABLE,
  SUPPORT_WARNING_DAYS,
  componentSupportProblems,
  daysBetween,
  eksSupportFindings,
  supportDate,
  versionsSupportedBy,
} from "../../constructs/kubernetes-support";
import { COMPONENT_SUPPORT, ChartName, EKS_CALENDAR, VERSIONS } from "../../constructs/versions";
import { buildApp } from "../../stacks/app";
import { crossFieldProblems, environmentComponents } from "../../stacks/environment/checks";
import { EnvironmentValidationError, parseEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile, shippedEnvironments } from "../../stacks/environments";
import { tempOutdir } from "../support/app";
import { PINNED_DATE } from "../support/pinned-date";
import { onlyResource, synthStack } from "../support/synth";
import { variant } from "../support/variant";

const dev = findEnvironmentFile("dev").input;
const onprem = findEnvironmentFile("onprem").input;

/** The messages of an environment's rejection, or [] when it passes. */
function rejection(input: unknown): string[] {
  try {
    parseEnvironment(input);
    return [];
  } catch (e) {
    if (!(e instanceof EnvironmentValidationError)) throw e;
    return e.problems.map((p) => `${p.path.join(".")}: ${p.message}`);
  }
}

const standard = (today: string) => ({
  supportType: "STANDARD" as const,
  today,
  supportTypeField: "cluster.supportType",
});
const extended = (today: string) => ({ ...standard(today), supportType: "EXTENDED" as const });

describe("the EKS calendar", () => {
  it("has dates for every accepted version, in order, 14 and 12 months apart", () => {
    expect(Object.keys(EKS_CALENDAR)).toEqual([...VERSIONS.kubernetes]);
    for (const dates of Object.values(EKS_CALENDAR)) {
      const standardDays = daysBetween(dates.eksRelease, dates.endOfStandardSupport);
      const extendedDays = daysBetween(dates.endOfStandardSupport, dates.endOfExtendedSupport);
      expect(standardDays).toBeGreaterThanOrEqual(14 * 28);
      expect(standardDays).toBeLessThanOrEqual(14 * 31);
      expect(extendedDays).toBeGreaterThanOrEqual(365);
      expect(extendedDays).toBeLessThanOrEqual(366);
    }
    // Only 1.36's dates are not AWS's own.
    expect(
      Object.entries(EKS_CALENDAR)
        .filter(([, d]) => !d.confirmed)
        .map(([v]) => v),
    ).toEqual(["1.36"]);
  });

  it("refuses a version past standard support under STANDARD, with the calendar's dates", () => {
    const [finding] = eksSupportFindings("1.34", standard("2026-12-06"));
    expect(finding.level).toBe("error");
    expect(finding.message).toContain("standard support ended on 2026-12-02");
    expect(finding.message).toContain("until 2027-12-02");
    expect(finding.message).toContain("Upgrade to 1.35");
    expect(finding.message).toContain("cluster.supportType: EXTENDED");
  });

  it("counts the end-of-standard-support day itself as extended support (UTC)", () => {
    expect(eksSupportFindings("1.34", standard("2026-12-01"))[0].level).toBe("warning");
    expect(eksSupportFindings("1.34", standard("2026-12-02"))[0].level).toBe("error");
  });

  it("lets an environment that accepts extended support keep the version, with a warning", () => {
    const findings = eksSupportFindings("1.34", extended("2026-12-06"));
    expect(findings).toEqual([
      {
        level: "warning",
        message: expect.stringMatching(
          /in EKS extended support since 2026-12-02, billed .* until 2027-12-02/,
        ),
      },
    ]);
  });

  it("refuses a version past extended support whatever the policy", () => {
    for (const options of [standard("2027-12-02"), extended("2027-12-02")]) {
      expect(eksSupportFindings("1.34", options)).toEqual([
        {
          level: "error",
          message: expect.stringContaining("reached the end of EKS extended support on 2027-12-02"),
        },
      ]);
    }
  });

  it(`warns within ${SUPPORT_WARNING_DAYS} days of the end of standard support, not before`, () => {
    const end = EKS_CALENDAR["1.35"].endOfStandardSupport;
    expect(end).toBe("2027-03-27");
    expect(eksSupportFindings("1.35", standard("2026-12-26"))).toEqual([]); // 91 days left
    const [warning] = eksSupportFindings("1.35", standard("2026-12-27")); // 90 days left
    expect(warning).toEqual({
      level: "warning",
      message: expect.stringContaining("standard support ends on 2027-03-27, in 90 days"),
    });
    expect(warning.message).toContain("upgrade to 1.36 before then");
  });

  it("says when its dates are not AWS's own", () => {
    const [warning] = eksSupportFindings("1.36", standard("2027-07-01"));
    expect(warning.message).toContain("dates from secondary sources only");
  });
});

describe("today's date", () => {
  it("is the UTC date, or PLATFORM_TODAY", () => {
    const late = new Date("2026-12-06T23:30:00-05:00"); // already the 7th in UTC
    expect(supportDate({}, late)).toBe("2026-12-07");
    expect(supportDate({ [SUPPORT_DATE_VARIABLE]: "2027-01-15" }, late)).toBe("2027-01-15");
  });

  it("refuses a PLATFORM_TODAY that is not a real date, saying what to set", () => {
    for (const bad of ["2027-02-30", "tomorrow", "2027-1-5", "2027-01-05T00:00:00Z"]) {
      expect(() => supportDate({ [SUPPORT_DATE_VARIABLE]: bad })).toThrow(
        /PLATFORM_TODAY must be a date such as 2026-12-06 \(UTC\), or unset for today/,
      );
    }
  });

  it("is pinned for the whole suite, so no test fails when the calendar passes a date", () => {
    expect(process.env[SUPPORT_DATE_VARIABLE]).toBe(PINNED_DATE);
    expect(supportDate()).toBe(PINNED_DATE);
  });
});

describe("the pinned components' Kubernetes ranges", () => {
  it("leave every shipped environment's version inside all of them", () => {
    for (const env of shippedEnvironments()) {
      expect(componentSupportProblems(env.kubernetesVersion, environmentComponents(env))).toEqual(
        [],
      );
    }
  });

  it("are what every upstream states for the pinned versions", () => {
    expect(COMPONENT_SUPPORT.calico.kubernetes).toEqual({ min: "1.34", max: "1.36" });
    expect(COMPONENT_SUPPORT.karpenter.kubernetes).toEqual({ min: "1.26", max: "1.36" });
    expect(versionsSupportedBy(Object.keys(COMPONENT_SUPPORT) as ChartName[])).toEqual([
      "1.34",
      "1.35",
      "1.36",
    ]);
  });

  it("refuse a version outside Calico's tested range, on-prem too", () => {
    const messages = rejection(variant(onprem, { kubernetesVersion: "1.33" }));
    expect(messages).toEqual([
      "kubernetesVersion: Kubernetes 1.33 does not suit Calico v3.32.1, which is tested on " +
        "Kubernetes 1.34 to 1.36 only; use one of 1.34, 1.35, 1.36",
    ]);
  });

  it("are narrowest for Calico: Karpenter and the charts' kubeVersion accept 1.32", () => {
    const problems = componentSupportProblems("1.32", ["calico", "karpenter", "metallb"]);
    expect(problems).toEqual([
      expect.stringContaining("Calico v3.32.1, which is tested on Kubernetes 1.34 to 1.36 only"),
    ]);
  });
});

describe("environments and the calendar", () => {
  it("shipped EKS environments run a version in standard support today", () => {
    for (const env of shippedEnvironments()) {
      if (env.platform !== "eks") continue;
      expect(eksSupportFindings(env.kubernetesVersion, standard(PINNED_DATE))).toEqual([]);
      expect(env.cluster.supportType).toBe("STANDARD");
    }
  });

  it("an environment past standard support fails with the calendar's dates", () => {
    expect(rejection(variant(dev, { kubernetesVersion: "1.34" }))).toEqual([
      expect.stringMatching(
        /^kubernetesVersion: Kubernetes 1\.34's EKS standard support ended on 2026-12-02; .* Upgrade to 1\.35, .* or set cluster\.supportType: EXTENDED .* until 2027-12-02\)$/,
      ),
    ]);
  });

  it("the same environment on a later day: its shipped version is refused once past", () => {
    const env = findEnvironmentFile("dev").environment;
    expect(crossFieldProblems(env, "2027-03-27")).toEqual([
      {
        path: ["kubernetesVersion"],
        message: expect.stringContaining("standard support ended on 2027-03-27"),
      },
    ]);
  });

  it("accepting extended support keeps the version and sets the matching upgrade policy", () => {
    const input = variant(dev, { kubernetesVersion: "1.34", cluster: { supportType: "EXTENDED" } });
    expect(rejection(input)).toEqual([]);
    const app = new App({ outdir: tempOutdir("extended-support-") });
    const built = buildApp(app, [parseEnvironment(input)], { offline: true });
    const infra = built.get("dev")!.infra!;
    const cluster = onlyResource(synthStack(infra), "aws_eks_cluster");
    expect(cluster.version).toBe("1.34");
    expect(cluster.upgrade_policy).toEqual({ support_type: "EXTENDED" });
    const warnings = infra.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
      .map((m) => String(m.data));
    expect(warnings).toContainEqual(
      expect.stringContaining("Kubernetes 1.34 is in EKS extended support since 2026-12-02"),
    );
  });

  it("accepts 1.36, whose components all support it", () => {
    expect(rejection(variant(dev, { kubernetesVersion: "1.36" }))).toEqual([]);
    expect(rejection(variant(onprem, { kubernetesVersion: "1.36" }))).toEqual([]);
    expect(VERSIONS.al2023Ami["1.36"]).toBe("v20261119");
  });

  it("rejects a support type EKS does not have", () => {
    expect(rejection(variant(dev, { cluster: { supportType: "LONG" } }))).toEqual([
      expect.stringMatching(/^cluster\.supportType: .*STANDARD.*EXTENDED/),
    ]);
  });
});
