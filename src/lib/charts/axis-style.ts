import type uPlot from 'uplot';
import type { ChartTheme } from './theme';

const AXIS_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Quiet axes for a dark page: muted labels, hairline grid and ticks in the grid colour. */
export function axisStyle(theme: ChartTheme): uPlot.Axis {
	return {
		stroke: theme.muted,
		font: AXIS_FONT,
		grid: { stroke: theme.grid, width: 1 },
		ticks: { stroke: theme.grid, width: 1, size: 4 }
	};
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 });

/** Sizes like 1.25K and 3.4M keep the y axis narrow on a phone. */
export function compactNumber(value: number): string {
	return compact.format(value);
}

const MAX_DECIMALS = 8;

/** The fewest decimals that write the tick increment exactly (0.25 → 2, 0.005 → 3, 50 → 0). */
export function decimalsForIncrement(increment: number): number {
	if (!(increment > 0) || !Number.isFinite(increment)) return 0;
	for (let decimals = 0; decimals < MAX_DECIMALS; decimals++) {
		const scaled = increment * 10 ** decimals;
		const whole = Math.round(scaled);
		// Relative tolerance: float noise such as 0.1 + 0.2 must not ask for 17 decimals.
		if (whole >= 1 && Math.abs(scaled - whole) < 1e-6 * scaled) return decimals;
	}
	return MAX_DECIMALS;
}
