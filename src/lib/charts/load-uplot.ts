import type uPlot from 'uplot';

let loading: Promise<typeof uPlot> | null = null;

/**
 * uPlot, fetched on first use: the charts draw after the book's first rows are on screen, so the
 * chart library stays off the first-render path of the market screen.
 */
export function loadUPlot(): Promise<typeof uPlot> {
	loading ??= import('uplot').then((m) => m.default);
	return loading;
}
