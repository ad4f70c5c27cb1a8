// Renders benchmark figures as a plain table.
import { meetsTarget, type Figure } from './types.ts';

function format(value: number | undefined): string {
  if (value === undefined) return '';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

export function renderTable(rows: { bench: string; figure: Figure }[]): string {
  const header = ['bench', 'metric', 'value', 'unit', 'baseline', 'ratio', 'target', 'met'];
  const body = rows.map(({ bench, figure }) => {
    const met = meetsTarget(figure);
    return [
      bench,
      figure.metric,
      format(figure.value),
      figure.unit,
      format(figure.baseline),
      figure.ratio === undefined ? '' : `${format(figure.ratio)}×`,
      figure.target ? `${figure.target.op} ${figure.target.value}` : '',
      met === undefined ? '' : met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
