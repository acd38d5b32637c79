/**
 * What the history screen's charts share: one uPlot in a host element that follows its width, a
 * touch cursor, data set on the next frame after a change, and a full redraw when privacy mode
 * flips (uPlot keeps axis labels while the scales hold still, so the mask would not reach them).
 */
import uPlot from 'uplot';
import { createFrameScheduler } from '$lib/render/frame';
import { mountPlot } from './plot-host';
import type { ChartTheme } from './theme';
import { followTouch } from './touch-cursor';

export interface HistoryPlotSource {
	data(): uPlot.AlignedData;
	/** Whether amounts are masked (privacy mode) now. */
	masked(): boolean;
	/** Called one frame after new data was drawn (the bench times it). */
	drawn?: () => void;
}

export interface HistoryPlot {
	/** Draws the current data on the next frame; call it when the data or the mask changed. */
	request(): void;
	/** Creates the plot in `host`; returns what tears it down (for `onMount`). */
	mount(
		host: HTMLElement,
		options: (width: number, theme: ChartTheme) => uPlot.Options,
		height: () => number
	): () => void;
}

export function historyPlot(source: HistoryPlotSource): HistoryPlot {
	let plot: uPlot | null = null;
	let masked = source.masked();
	const frame = createFrameScheduler(() => {
		plot?.setData(source.data());
		if (masked !== source.masked()) {
			masked = source.masked();
			plot?.redraw(false, true);
		}
		const drawn = source.drawn;
		if (drawn) requestAnimationFrame(() => drawn());
	});
	return {
		request: () => frame.request(),
		mount(host, options, height) {
			const mounted = mountPlot(
				host,
				(width, theme) => new uPlot(options(width, theme), source.data(), host),
				height
			);
			plot = mounted.plot;
			const stopTouch = followTouch(mounted.plot);
			return () => {
				frame.cancel();
				stopTouch();
				mounted.destroy();
				plot = null;
			};
		}
	};
}
