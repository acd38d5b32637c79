/**
 * Chart colours come from the page's CSS custom properties, but a canvas cannot resolve `var()`:
 * read the properties once from the chart's element and hand uPlot plain colour strings.
 */

export interface ChartTheme {
	bid: string;
	ask: string;
	muted: string;
	grid: string;
	fg: string;
}

export const FALLBACK_THEME: ChartTheme = {
	bid: '#16c784',
	ask: '#ea3943',
	muted: '#8a939b',
	grid: '#1e2329',
	fg: '#e6e8ea'
};

export function readChartTheme(element: Element): ChartTheme {
	const style = getComputedStyle(element);
	const read = (name: keyof ChartTheme): string =>
		style.getPropertyValue(`--${name}`).trim() || FALLBACK_THEME[name];
	return {
		bid: read('bid'),
		ask: read('ask'),
		muted: read('muted'),
		grid: read('grid'),
		fg: read('fg')
	};
}

/**
 * The colour with its alpha replaced, for area fills under a solid line. Understands hex and
 * rgb()/rgba(); any other CSS colour is first normalised by a canvas (which yields one of those),
 * and a colour that still cannot be read comes back unchanged rather than breaking the chart.
 */
export function withAlpha(color: string, alpha: number): string {
	const rgb = parseRgb(color) ?? parseRgb(normalizeWithCanvas(color));
	if (!rgb) return color;
	return `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})`;
}

export function parseRgb(color: string | null): [number, number, number] | null {
	if (!color) return null;
	const text = color.trim().toLowerCase();
	const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(text);
	if (hex) {
		const digits = hex[1];
		if (digits.length <= 4) {
			return [0, 1, 2].map((i) => parseInt(digits[i] + digits[i], 16)) as [number, number, number];
		}
		return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number];
	}
	const functional = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(text);
	if (functional) {
		return [functional[1], functional[2], functional[3]].map((part) =>
			Math.round(Number(part))
		) as [number, number, number];
	}
	return null;
}

let scratch: CanvasRenderingContext2D | null | undefined;

function normalizeWithCanvas(color: string): string | null {
	if (typeof document === 'undefined') return null;
	scratch ??= document.createElement('canvas').getContext('2d');
	if (!scratch) return null;
	// An unparseable colour leaves fillStyle untouched, so start from a sentinel to detect that.
	scratch.fillStyle = '#000001';
	scratch.fillStyle = color;
	const normalized = String(scratch.fillStyle);
	return normalized === '#000001' ? null : normalized;
}
