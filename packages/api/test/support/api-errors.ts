/** What a failing API call tells its caller, for tests to assert on. */
import { TRPCClientError } from "@trpc/client";
import { expect } from "vitest";
import type { AppRouter } from "../../src/router.ts";

export type ApiError = TRPCClientError<AppRouter>;

/** The error a call fails with; fails the test if it succeeds. */
export async function failure(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof TRPCClientError) return err as ApiError;
    throw err;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

export async function expectCode(call: Promise<unknown>, code: string): Promise<ApiError> {
  const err = await failure(call);
  expect(err.data?.code, err.message).toBe(code);
  return err;
}

/** BAD_REQUEST whose issues name `path`, with a message that names the field too. */
export async function expectInvalidField(call: Promise<unknown>, path: string, issueMessage?: RegExp): Promise<ApiError> {
  const err = await expectCode(call, "BAD_REQUEST");
  const issues = err.data?.issues ?? [];
  const issue = issues.find((i) => i.path === path);
  expect(issue, `issues ${JSON.stringify(issues)} should name ${path}`).toBeDefined();
  if (issueMessage) expect(issue!.message).toMatch(issueMessage);
  expect(err.message).toContain(path.split(".").at(-1)!);
  return err;
}
