/** One figure of `npm run bench`: printed as a JSON line, with its ratio to a yardstick where there is one. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** value ÷ the yardstick measured in the same run (same machine, same moment). */
  ratio?: number;
  yardstick?: string;
  /** A budget the figure is held to (checked and reported here, never in `npm test`). */
  budget?: { max?: number; min?: number; met: boolean };
}

export function round(n: number, digits = 3): number {
  const f = 10 ** Math.max(0, digits - Math.floor(Math.log10(Math.abs(n) || 1)) - 1);
  return Math.round(n * f) / f;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function withBudget(f: Figure, budget: { max?: number; min?: number }): Figure {
  const met = (budget.max === undefined || f.value <= budget.max) && (budget.min === undefined || f.value >= budget.min);
  return { ...f, budget: { ...budget, met } };
}
