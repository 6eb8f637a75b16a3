/** "?, ?, ?" for a list of bindings: knex expands no arrays inside raw SQL. */
export function placeholders(values: readonly unknown[]): string {
  if (values.length === 0) throw new RangeError('an IN list needs at least one value');
  return values.map(() => '?').join(', ');
}
