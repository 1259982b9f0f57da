import { RegbotError } from "../../src/errors.js";

/** Runs `work` and returns the RegbotError it throws; fails the test when it throws nothing or something else. */
export function regbotErrorOf(work: () => unknown): RegbotError {
  try {
    work();
  } catch (error) {
    if (error instanceof RegbotError) return error;
    throw new Error(`expected a RegbotError, got: ${String(error)}`);
  }
  throw new Error("expected a RegbotError, but nothing was thrown");
}
