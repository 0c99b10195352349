import { CronExpressionParser } from "cron-parser";
import { InvalidRequestError } from "../errors.ts";

/** How schedules are read on this server. */
export interface ScheduleRules {
  /**
   * Also take a sixth, leading seconds field (`*\/2 * * * * *`). Off by default:
   * the LangGraph API's schedules have 5 fields. Tests turn it on so a tick comes
   * every second or two instead of every minute; everything else is the same code.
   */
  seconds: boolean;
}

export const STANDARD_SCHEDULES: ScheduleRules = { seconds: false };

/** A schedule the ticker can follow: the expression and the zone its fields are read in. */
export interface Schedule {
  expression: string;
  /** IANA name; null is UTC */
  timezone: string | null;
}

/** The IANA zone is one this Node knows (Intl is where both cron-parser and Node read zones from). */
function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a schedule: 5 fields (minute hour day-of-month month day-of-week), or 6
 * with seconds first when the rules allow, and a known zone. Throws
 * InvalidRequestError naming `schedule` or `timezone`.
 */
export function checkSchedule(schedule: Schedule, rules: ScheduleRules): void {
  const fields = schedule.expression.trim().split(/\s+/).filter(Boolean);
  const allowed = rules.seconds ? [5, 6] : [5];
  if (!allowed.includes(fields.length)) {
    throw new InvalidRequestError(
      `schedule "${schedule.expression}" must have ${rules.seconds ? "5 or 6" : "5"} fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5"`,
      { field: "schedule" },
    );
  }
  if (schedule.timezone !== null && !knownZone(schedule.timezone)) {
    throw new InvalidRequestError(`timezone "${schedule.timezone}" is not an IANA time zone (e.g. "Europe/Paris")`, { field: "timezone" });
  }
  try {
    CronExpressionParser.parse(schedule.expression, { tz: schedule.timezone ?? "UTC", strict: false });
  } catch (err) {
    throw new InvalidRequestError(`schedule "${schedule.expression}" is not a cron schedule: ${(err as Error).message}`, {
      field: "schedule",
    });
  }
}

/**
 * The schedule's first tick strictly after `after`, or null when there is none
 * before `endTime` (a tick at `endTime` does not happen either).
 */
export function nextTick(schedule: Schedule, after: Date, endTime: Date | null): Date | null {
  const expr = CronExpressionParser.parse(schedule.expression, { tz: schedule.timezone ?? "UTC", currentDate: after });
  let next: Date;
  try {
    next = expr.next().toDate();
  } catch {
    // no date matches at all (e.g. 30 February)
    return null;
  }
  return endTime && next.getTime() >= endTime.getTime() ? null : next;
}
