/** What a failing SDK call tells its caller, for the LangGraph door's tests to assert on. */
import { expect } from "vitest";

export interface Failure {
  status: number;
  text: string;
}

/** The HTTP status and body text a call fails with; fails the test if it succeeds. */
export async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (err) {
    const e = err as { status?: number; text?: string };
    if (typeof e.status === "number") return { status: e.status, text: e.text ?? "" };
    throw err;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Fails the test unless the call fails with `status`; gives the body text. */
export async function expectStatus(call: Promise<unknown>, status: number): Promise<string> {
  const f = await failure(call);
  expect(f.status, f.text).toBe(status);
  return f.text;
}
