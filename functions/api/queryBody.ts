// A query's rows as a streamed body: JSON (a head, the column list, then one row per chunk) or CSV (a header
// line, then one line per row). The API and `npm run query` write the same bytes.
import { csvHeader, csvLine, pickColumns, type ColumnName } from '../core/query/columns.ts';
import type { QueryRow } from '../core/query/queryRow.ts';

export async function* jsonChunks(rows: AsyncIterable<QueryRow>, head: Record<string, unknown>, columns: readonly ColumnName[]): AsyncGenerator<string> {
  yield `${JSON.stringify({ ...head, columns }).slice(0, -1)},"rows":[`;
  let first = true;
  for await (const row of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(pickColumns(row, columns))}`;
    first = false;
  }
  yield '\n]}\n';
}

export async function* csvChunks(rows: AsyncIterable<QueryRow>, columns: readonly ColumnName[]): AsyncGenerator<string> {
  yield csvHeader(columns);
  for await (const row of rows) yield csvLine(row, columns);
}
