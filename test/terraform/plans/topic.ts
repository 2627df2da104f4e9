/**
 * The topics that `offline-plans.test.ts` plans in one Terraform run. Each `terraform plan` and
 * `show` starts the aws provider and decodes its schema (about 3.5 CPU seconds) whatever it plans,
 * so the topics put their stacks into one `planTogether` and each topic's tests read back the
 * results of its own cases. A failed plan shows no changes at all, so the cases that must make a
 * plan fail are planned together in a second run, beside the first.
 */
import { type Outcome, describeGroups } from "../batch";
import { type PlanCase, type PlannedTogether, planTogether } from "../support";

/** What a topic plans. */
export interface TopicCases {
  /** Cases planned in the run that must succeed. @default none */
  readonly succeeding?: readonly PlanCase[];
  /** Cases each of which must make the plan fail, planned in a run of their own. @default none */
  readonly failing?: readonly PlanCase[];
}

/** A topic's part of the two runs: its own cases' diagnostics and changes, in its order. */
export interface TopicPlans {
  readonly succeeding: PlannedTogether;
  readonly failing: PlannedTogether;
}

export interface PlanTopic {
  /** Synthesizes the topic's stacks, in the suite's `beforeAll`, and returns what to plan. */
  readonly synth: () => TopicCases;
  /**
   * Registers the topic's `describe` block. In its tests `plans()` gives the topic's part of the
   * two runs (and throws what `synth` threw, if it did).
   */
  readonly describe: (plans: () => TopicPlans) => void;
}

const NOTHING: PlannedTogether = { status: 0, diagnostics: [], changes: [] };

/** Terraform's warning when a plan has `-target` options: it names no file, so every case gets it. */
const TARGETING = "Resource targeting is in effect";

/**
 * `planned`'s part for `cases`, from its case `start` on; the exit status is the run's. A case
 * without targets does not get the targeting warning that another topic's targets caused.
 */
function part(
  planned: PlannedTogether,
  cases: readonly PlanCase[],
  start: number,
): PlannedTogether {
  return {
    status: planned.status,
    diagnostics: cases.map((c, i) =>
      planned.diagnostics[start + i].filter((d) => c.targets || d.summary !== TARGETING),
    ),
    changes: planned.changes?.slice(start, start + cases.length),
  };
}

/**
 * Plans every topic's cases in (at most) two Terraform runs, side by side, in `beforeAll`, and
 * registers each topic's tests on its part of them. A topic whose synthesis throws fails its own
 * tests only.
 */
export function describePlannedTogether(topics: readonly PlanTopic[]): void {
  type Synthesized = Required<TopicCases> | { failed: unknown };
  const outcomes: Outcome<TopicPlans>[] = [];
  beforeAll(async () => {
    const synthesized = topics.map((topic): Synthesized => {
      try {
        const { succeeding = [], failing = [] } = topic.synth();
        return { succeeding, failing };
      } catch (failed) {
        return { failed };
      }
    });
    const plan = (which: keyof TopicCases) => {
      const all = synthesized.flatMap((c) => ("failed" in c ? [] : c[which]));
      return all.length ? planTogether(all) : Promise.resolve(NOTHING);
    };
    const [succeeding, failing] = await Promise.all([plan("succeeding"), plan("failing")]);
    const next = { succeeding: 0, failing: 0 };
    for (const c of synthesized) {
      if ("failed" in c) {
        outcomes.push(c);
        continue;
      }
      outcomes.push({
        value: {
          succeeding: part(succeeding, c.succeeding, next.succeeding),
          failing: part(failing, c.failing, next.failing),
        },
      });
      next.succeeding += c.succeeding.length;
      next.failing += c.failing.length;
    }
  }, 600_000);
  describeGroups(topics, outcomes, "planned");
}
