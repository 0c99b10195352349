/**
 * Cron schedules as the runtime reads them: 5 fields by default (6, seconds
 * first, only when allowed), IANA zones, the next tick strictly after a time and
 * before the end time, and daylight-saving changes.
 */
import { describe, expect, it } from "vitest";
import { checkSchedule, nextTick, STANDARD_SCHEDULES } from "../src/crons/schedule.ts";
import { InvalidRequestError } from "../src/errors.ts";

const SECONDS = { seconds: true };

function refusedField(expression: string, timezone: string | null = null, rules = STANDARD_SCHEDULES): string | undefined {
  try {
    checkSchedule({ expression, timezone }, rules);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return (err as InvalidRequestError).field;
  }
  return undefined;
}

describe("cron schedules", () => {
  it("take 5 fields; a seconds field only when the rules allow it", () => {
    expect(refusedField("0 9 * * 1-5")).toBeUndefined();
    expect(refusedField("*/15 * * * *", "Europe/Paris")).toBeUndefined();
    expect(refusedField("*/2 * * * * *")).toBe("schedule");
    expect(refusedField("*/2 * * * * *", null, SECONDS)).toBeUndefined();
    expect(refusedField("* * * * * * *", null, SECONDS)).toBe("schedule");
    for (const bad of ["", "   ", "* * * *", "60 * * * *", "0 24 * * *", "0 0 32 * *", "0 0 * 13 *", "0 0 * * 8", "nonsense here x y z"]) {
      expect(refusedField(bad), bad).toBe("schedule");
    }
    expect(refusedField("0 9 * * *", "Not/AZone")).toBe("timezone");
  });

  it("give the next tick strictly after a time, in the schedule's zone", () => {
    const at = new Date("2026-03-02T08:00:00Z");
    expect(nextTick({ expression: "0 9 * * *", timezone: null }, at, null)).toEqual(new Date("2026-03-02T09:00:00Z"));
    expect(nextTick({ expression: "0 9 * * *", timezone: null }, new Date("2026-03-02T09:00:00Z"), null)).toEqual(
      new Date("2026-03-03T09:00:00Z"),
    );
    expect(nextTick({ expression: "0 9 * * *", timezone: "Asia/Tokyo" }, at, null)).toEqual(new Date("2026-03-03T00:00:00Z"));
    expect(nextTick({ expression: "30 * * * * *", timezone: null }, at, null)).toEqual(new Date("2026-03-02T08:00:30Z"));
  });

  it("follow daylight saving: 9:00 in New York is 14:00 UTC in winter, 13:00 in summer", () => {
    const ny = { expression: "0 9 * * *", timezone: "America/New_York" };
    expect(nextTick(ny, new Date("2026-03-06T12:00:00Z"), null)).toEqual(new Date("2026-03-06T14:00:00Z"));
    expect(nextTick(ny, new Date("2026-03-09T12:00:00Z"), null)).toEqual(new Date("2026-03-09T13:00:00Z"));
  });

  it("give no tick at or after the end time", () => {
    const hourly = { expression: "0 * * * *", timezone: null };
    const at = new Date("2026-03-02T08:10:00Z");
    expect(nextTick(hourly, at, new Date("2026-03-02T09:00:01Z"))).toEqual(new Date("2026-03-02T09:00:00Z"));
    expect(nextTick(hourly, at, new Date("2026-03-02T09:00:00Z"))).toBeNull();
  });
});
