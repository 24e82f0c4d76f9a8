// Quoting of SQL identifiers for the statements we write by hand. Every service keeps its tables in
// its own Postgres schema, whose name comes from configuration, so a hand-written statement must
// quote it; this is the one place that knows how (double the double quotes, wrap in double quotes).

/** `name` as a quoted SQL identifier: `"name"`, with any `"` inside doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`: a schema-qualified, quoted table name. */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
