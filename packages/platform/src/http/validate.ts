import type { z } from 'zod';
import { ValidationError } from '../errors';

/**
 * Parses untrusted input (a body, query or params) with a zod schema. On failure it throws a
 * {@link ValidationError} naming every invalid field, which renders as a 400 problem.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw ValidationError.withIssues(
    result.error.issues.map((issue) => ({
      path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
      message: issue.message,
    })),
  );
}
