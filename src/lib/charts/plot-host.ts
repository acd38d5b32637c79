import type uPlot from 'uplot';
import { observeWidth } from './observe-width';
import { readChartTheme, type ChartTheme } from './theme';

/**
 * The lifecycle every chart shares: create the plot at the container's width with the page's
 * theme, follow the container's width, and tear both down. Returns the plot and its teardown.
 */
export function mountPlot(
	host: HTMLElement,
	create: (width: number, theme: ChartTheme) => uPlot,
	height: () => number
): { plot: uPlot; destroy: () => void } {
	const plot = create(Math.max(1, host.clientWidth), readChartTheme(host));
	const stopObserving = observeWidth(host, (width) => plot.setSize({ width, height: height() }));
	return {
		plot,
		destroy: () => {
			stopObserving();
			plot.destroy();
		}
	};
}

/** Applies a new height prop without recreating the plot. */
export function setPlotHeight(plot: uPlot | null, height: number): void {
	if (plot && plot.height !== height) plot.setSize({ width: plot.width, height });
}
