const MASK = '******';

function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(MASK);
  return out;
}

/**
 * Removes secret values from an error before it travels on. The ORM's driver errors carry the SQL
 * with its bound values written in (in `message`, `stack` and copied properties), and the
 * subscriber logs a failing handler's error and copies its message into the dead letter's
 * `dlq-reason` header: without this, a failed insert of a verification SMS would print the code.
 * The error keeps its class and code, so retriable database failures stay retriable.
 */
export function redactError<E>(error: E, secrets: readonly string[]): E {
  if (secrets.length === 0) return error;
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(value)) {
      const v = record[key];
      if (typeof v === 'string') {
        const clean = redactText(v, secrets);
        if (clean !== v) {
          try {
            record[key] = clean;
          } catch {
            // a read-only property: nothing we can do, and nothing else holds the value
          }
        }
      } else if (v && typeof v === 'object') visit(v);
    }
    if (value instanceof Error && value.cause) visit(value.cause);
  };
  visit(error);
  return error;
}
