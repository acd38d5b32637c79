import type uPlot from 'uplot';
import { firstContent } from '$lib/render/first-content';

let loading: Promise<typeof uPlot> | null = null;

/**
 * uPlot, fetched on first use and never before the screen's first content is painted: on the
 * market screen that is the first book row, which a cold load on a slow network waits for, so
 * the chart library neither delays it nor competes with it for bandwidth.
 */
export function loadUPlot(): Promise<typeof uPlot> {
	loading ??= new Promise<void>((resolve) => firstContent.after(resolve))
		.then(() => import('uplot'))
		.then((m) => m.default);
	return loading;
}
