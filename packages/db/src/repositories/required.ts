/** The row an INSERT ... RETURNING must have produced. */
export function required<T>(row: T | undefined): T {
  if (row === undefined) throw new Error('insert returned no row');
  return row;
}
