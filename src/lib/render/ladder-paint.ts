/**
 * Paints the order-book ladder on a canvas. The ladder changes several times a second, and as
 * table rows every change cost a phone style, layout, text shaping and paint for the rows it
 * touched; on a canvas it is one draw of a few dozen rectangles and strings. The table stays in the
 * page as the canvas's fallback content (no boxes, so no layout), for screen readers and tests.
 *
 * The geometry is the table's: a header row, `rows` asks (farthest on top), the spread row and
 * `rows` bids, each level row with its price on the left in its side's colour, its size on the
 * right, and a size bar growing from the right edge over the size column (the right half).
 */

export interface LadderLevel {
	readonly price: string;
	readonly size: string;
}

export interface LadderPalette {
	fg: string;
	muted: string;
	line: string;
	bid: string;
	ask: string;
	bidBg: string;
	askBg: string;
	mono: string;
	sans: string;
}

export interface LadderPicture {
	/** Asks nearest first, bids nearest first: as the book gives them. */
	readonly asks: readonly LadderLevel[];
	readonly bids: readonly LadderLevel[];
	readonly maxSize: number;
	/** Level rows per side. */
	readonly rows: number;
	readonly formatPrice: (price: string) => string;
	readonly formatSize: (size: string) => string;
	/** The spread row's text: the main part and a muted part (either may be empty). */
	readonly spread: { main: string; muted: string };
}

export const LADDER_ROW_PX = 20;
export const LADDER_HEAD_PX = 20;
export const LADDER_SPREAD_PX = 28;
const PAD_X = 6;

/** The ladder's height in CSS pixels for `rows` level rows per side. */
export function ladderHeight(rows: number): number {
	return LADDER_HEAD_PX + rows * 2 * LADDER_ROW_PX + LADDER_SPREAD_PX;
}

/** The bar's share of the size column, 0..1: a level's size over the largest one shown. */
export function barFraction(size: string, maxSize: number): number {
	const n = Number(size);
	if (!(maxSize > 0) || !(n > 0)) return 0;
	return Math.min(1, n / maxSize);
}

/** The subset of a 2D context the painter uses (so tests can record the calls). */
export type LadderContext = Pick<
	CanvasRenderingContext2D,
	'clearRect' | 'fillRect' | 'fillText' | 'measureText' | 'setTransform'
> & {
	fillStyle: CanvasRenderingContext2D['fillStyle'];
	font: string;
	textAlign: CanvasTextAlign;
	textBaseline: CanvasTextBaseline;
};

/**
 * Draws the whole ladder into `ctx`, `width` × ladderHeight(rows) CSS pixels at `scale` device
 * pixels per CSS pixel.
 */
export function paintLadder(
	ctx: LadderContext,
	width: number,
	scale: number,
	picture: LadderPicture,
	palette: LadderPalette
): void {
	const height = ladderHeight(picture.rows);
	ctx.setTransform(scale, 0, 0, scale, 0, 0);
	ctx.clearRect(0, 0, width, height);
	ctx.textBaseline = 'middle';

	ctx.font = `500 11px ${palette.sans}`;
	ctx.fillStyle = palette.muted;
	ctx.textAlign = 'left';
	ctx.fillText('Price', PAD_X, LADDER_HEAD_PX / 2);
	ctx.textAlign = 'right';
	ctx.fillText('Size (cont.)', width - PAD_X, LADDER_HEAD_PX / 2);

	const half = width / 2;
	const level = (l: LadderLevel | undefined, top: number, side: 'bid' | 'ask') => {
		if (!l || !l.price) return;
		const f = barFraction(l.size, picture.maxSize);
		if (f > 0) {
			const w = half * f;
			ctx.fillStyle = side === 'bid' ? palette.bidBg : palette.askBg;
			ctx.fillRect(width - w, top + 1, w, LADDER_ROW_PX - 2);
		}
		const mid = top + LADDER_ROW_PX / 2;
		ctx.fillStyle = side === 'bid' ? palette.bid : palette.ask;
		ctx.textAlign = 'left';
		ctx.fillText(picture.formatPrice(l.price), PAD_X, mid);
		ctx.fillStyle = palette.fg;
		ctx.textAlign = 'right';
		ctx.fillText(picture.formatSize(l.size), width - PAD_X, mid);
	};

	ctx.font = `12px ${palette.mono}`;
	const rows = picture.rows;
	// Asks: the farthest shown on top, the best just above the spread.
	for (let i = 0; i < rows; i++) {
		level(picture.asks[rows - 1 - i], LADDER_HEAD_PX + i * LADDER_ROW_PX, 'ask');
	}
	const spreadTop = LADDER_HEAD_PX + rows * LADDER_ROW_PX;
	ctx.fillStyle = palette.line;
	ctx.fillRect(0, spreadTop, width, 1);
	ctx.fillRect(0, spreadTop + LADDER_SPREAD_PX - 1, width, 1);
	const { main, muted } = picture.spread;
	const gap = main && muted ? ctx.measureText(' ').width : 0;
	const mainW = main ? ctx.measureText(main).width : 0;
	const mutedW = muted ? ctx.measureText(muted).width : 0;
	let x = (width - (mainW + gap + mutedW)) / 2;
	const spreadMid = spreadTop + LADDER_SPREAD_PX / 2;
	ctx.textAlign = 'left';
	if (main) {
		ctx.fillStyle = palette.fg;
		ctx.fillText(main, x, spreadMid);
		x += mainW + gap;
	}
	if (muted) {
		ctx.fillStyle = palette.muted;
		ctx.fillText(muted, x, spreadMid);
	}
	const bidsTop = spreadTop + LADDER_SPREAD_PX;
	for (let i = 0; i < rows; i++) level(picture.bids[i], bidsTop + i * LADDER_ROW_PX, 'bid');
}

/** The palette from the page's CSS custom properties, as the element sees them. */
export function readLadderPalette(element: Element): LadderPalette {
	const style = getComputedStyle(element);
	const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
	return {
		fg: v('--fg', '#e6e8ea'),
		muted: v('--muted', '#8a939b'),
		line: v('--line', '#232a33'),
		bid: v('--bid', '#16c784'),
		ask: v('--ask', '#ea3943'),
		bidBg: v('--bid-bg', 'rgba(22, 199, 132, 0.14)'),
		askBg: v('--ask-bg', 'rgba(234, 57, 67, 0.14)'),
		mono: v('--mono', 'monospace'),
		sans: v('--sans', 'sans-serif')
	};
}

/** The largest size among some levels (empty slots count as 0). */
export function largestSize(levels: readonly LadderLevel[]): number {
	let max = 0;
	for (const l of levels) {
		const n = Number(l.size);
		if (n > max) max = n;
	}
	return max;
}
