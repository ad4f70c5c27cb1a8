// A linear scale with round tick values, so axes read 0, 5, 10 … rather than 3.7, 8.9 …
export interface NiceScale {
  min: number;
  max: number;
  ticks: number[];
}

export function niceScale(low: number, high: number, targetTicks = 6): NiceScale {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { min: 0, max: 1, ticks: [0, 1] };
  if (low === high) {
    low -= 1;
    high += 1;
  }
  const rough = (high - low) / Math.max(1, targetTicks - 1);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let t = min; t <= max + step / 2; t += step) ticks.push(Number(t.toFixed(10)));
  return { min, max, ticks };
}
