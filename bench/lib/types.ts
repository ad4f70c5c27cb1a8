// What a benchmark reports: rows of measured figures, each optionally set against a baseline measured in the
// same run (the machine is shared and noisy, so ratios mean more than absolute numbers) and a target.

export interface Figure {
  metric: string;
  value: number;
  unit: string;
  /** The same quantity for the baseline, measured in the same run. */
  baseline?: number;
  /** value / baseline, or baseline / value when lower is better (see `better`). */
  ratio?: number;
  better?: 'higher' | 'lower';
  /** Target on `ratio` when a baseline exists, else on `value`. */
  target?: { op: '>=' | '<='; value: number };
  note?: string;
}

/** `--name value` options from the command line (e.g. `--instances 3`), for the benches that take any. */
export type BenchOptions = Readonly<Record<string, string>>;

export interface Bench {
  name: string;
  description: string;
  run(options?: BenchOptions): Promise<Figure[]>;
}

export function withRatio(figure: Omit<Figure, 'ratio'>): Figure {
  if (figure.baseline === undefined || figure.baseline === 0) return figure;
  const ratio = figure.better === 'lower' ? figure.baseline / figure.value : figure.value / figure.baseline;
  return { ...figure, ratio };
}

export function meetsTarget(figure: Figure): boolean | undefined {
  if (!figure.target) return undefined;
  const subject = figure.ratio ?? figure.value;
  return figure.target.op === '>=' ? subject >= figure.target.value : subject <= figure.target.value;
}
