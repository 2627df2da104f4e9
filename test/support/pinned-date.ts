/**
 * Every test sees the same "today" for the EKS calendar checks (`supportDate()`), so that no test
 * starts failing when the calendar passes a date. Tests of the calendar itself pass their own
 * dates. Subprocesses the tests start inherit it.
 */
import { SUPPORT_DATE_VARIABLE } from "../../constructs/kubernetes-support";

/** The date the suite runs at: the day the shipped versions were last reviewed. */
export const PINNED_DATE = "2026-12-06";

process.env[SUPPORT_DATE_VARIABLE] = PINNED_DATE;
