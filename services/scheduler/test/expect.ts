import { expect } from "bun:test";
import { TRPCClientError } from "@trpc/client";

/** Awaits a call that must fail and returns its tRPC error data (code, appCode, issues). */
export async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<never>).data as unknown as {
      code: string;
      httpStatus: number;
      appCode: string;
      issues?: { path: string; code: string; message: string }[];
    };
    return { ...data, message: (error as Error).message };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
