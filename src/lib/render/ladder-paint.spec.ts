import { describe, expect, it } from 'vitest';
import {
	barFraction,
	ladderHeight,
	largestSize,
	paintLadder,
	type LadderContext,
	type LadderPalette,
	type LadderPicture
} from './ladder-paint';

const PALETTE: LadderPalette = {
	fg: 'fg',
	muted: 'muted',
	line: 'line',
	bid: 'bid',
	ask: 'ask',
	bidBg: 'bidBg',
	askBg: 'askBg',
	mono: 'mono',
	sans: 'sans'
};

type Call =
	| { op: 'text'; text: string; x: number; y: number; fill: string; align: string; font: string }
	| { op: 'rect'; x: number; y: number; w: number; h: number; fill: string };

/** A 2D context that records what is drawn, with the state each draw used. */
function recorder(): { ctx: LadderContext; calls: Call[]; transforms: number[][] } {
	const calls: Call[] = [];
	const transforms: number[][] = [];
	const ctx = {
		fillStyle: '',
		font: '',
		textAlign: 'start',
		textBaseline: 'alphabetic',
		clearRect() {},
		setTransform(...m: number[]) {
			transforms.push(m);
		},
		measureText(text: string) {
			return { width: text.length * 7 } as TextMetrics;
		},
		fillRect(x: number, y: number, w: number, h: number) {
			calls.push({ op: 'rect', x, y, w, h, fill: String(ctx.fillStyle) });
		},
		fillText(text: string, x: number, y: number) {
			calls.push({
				op: 'text',
				text,
				x,
				y,
				fill: String(ctx.fillStyle),
				align: ctx.textAlign,
				font: ctx.font
			});
		}
	};
	return { ctx: ctx as unknown as LadderContext, calls, transforms };
}

function picture(over: Partial<LadderPicture> = {}): LadderPicture {
	return {
		asks: [
			{ price: '100.5', size: '40' },
			{ price: '100.6', size: '10' }
		],
		bids: [{ price: '100.4', size: '20' }],
		maxSize: 40,
		rows: 2,
		formatPrice: (p) => `P${p}`,
		formatSize: (s) => `S${s}`,
		spread: { main: 'Spread 0.1', muted: '(0.1%)' },
		...over
	};
}

const texts = (calls: Call[]) => calls.filter((c) => c.op === 'text');
const rects = (calls: Call[], fill: string) =>
	calls.filter((c) => c.op === 'rect' && c.fill === fill);

describe('ladder geometry', () => {
	it('is the table’s: header, two sides of level rows and the spread row', () => {
		expect(ladderHeight(8)).toBe(20 + 16 * 20 + 28);
		expect(ladderHeight(12)).toBe(20 + 24 * 20 + 28);
	});

	it('scales a bar to the largest level shown, and draws none for nothing', () => {
		expect(barFraction('20', 40)).toBe(0.5);
		expect(barFraction('80', 40)).toBe(1);
		expect(barFraction('', 40)).toBe(0);
		expect(barFraction('5', 0)).toBe(0);
		expect(
			largestSize([
				{ price: '', size: '' },
				{ price: '1', size: '7.5' }
			])
		).toBe(7.5);
	});
});

describe('paintLadder', () => {
	it('draws asks farthest on top, then the spread, then bids best first', () => {
		const { ctx, calls } = recorder();
		paintLadder(ctx, 200, 1, picture(), PALETTE);
		const prices = texts(calls).filter((c) => c.text.startsWith('P1'));
		expect(prices.map((c) => [c.text, c.y, c.fill, c.align])).toEqual([
			['P100.6', 30, 'ask', 'left'],
			['P100.5', 50, 'ask', 'left'],
			['P100.4', 20 + 40 + 28 + 10, 'bid', 'left']
		]);
		const sizes = texts(calls).filter((c) => /^S\d/.test(c.text));
		expect(sizes.map((c) => [c.text, c.x, c.y, c.fill, c.align])).toEqual([
			['S10', 194, 30, 'fg', 'right'],
			['S40', 194, 50, 'fg', 'right'],
			['S20', 194, 98, 'fg', 'right']
		]);
		expect(sizes.every((c) => c.op === 'text' && c.font === '12px mono')).toBe(true);
	});

	it('draws each size bar from the right edge over the size column, in its side’s colour', () => {
		const { ctx, calls } = recorder();
		paintLadder(ctx, 200, 1, picture(), PALETTE);
		expect(rects(calls, 'askBg')).toEqual([
			{ op: 'rect', x: 175, y: 21, w: 25, h: 18, fill: 'askBg' },
			{ op: 'rect', x: 100, y: 41, w: 100, h: 18, fill: 'askBg' }
		]);
		expect(rects(calls, 'bidBg')).toEqual([
			{ op: 'rect', x: 150, y: 89, w: 50, h: 18, fill: 'bidBg' }
		]);
	});

	it('leaves empty slots blank and ruled the spread row above and below', () => {
		const { ctx, calls } = recorder();
		paintLadder(ctx, 200, 1, picture(), PALETTE);
		// Two bid slots, one level: nothing is drawn in the second slot's band.
		const secondBid = calls.filter((c) => c.y >= 108 && c.y < 128);
		expect(secondBid).toEqual([]);
		expect(rects(calls, 'line')).toEqual([
			{ op: 'rect', x: 0, y: 60, w: 200, h: 1, fill: 'line' },
			{ op: 'rect', x: 0, y: 87, w: 200, h: 1, fill: 'line' }
		]);
	});

	it('centres the spread text with its muted part after the main one', () => {
		const { ctx, calls } = recorder();
		paintLadder(ctx, 200, 1, picture(), PALETTE);
		const spread = texts(calls).filter((c) => c.y === 74);
		// 10 + 1 + 6 characters at 7 px: 119 px wide, starting at (200 - 119) / 2.
		expect(spread.map((c) => [c.text, c.x, c.fill])).toEqual([
			['Spread 0.1', 40.5, 'fg'],
			['(0.1%)', 40.5 + 77, 'muted']
		]);
	});

	it('says it waits for the book when there is none, and draws no level', () => {
		const { ctx, calls } = recorder();
		paintLadder(
			ctx,
			200,
			1,
			picture({
				asks: [],
				bids: [],
				maxSize: 0,
				spread: { main: '', muted: 'Waiting for the book…' }
			}),
			PALETTE
		);
		expect(texts(calls).map((c) => c.text)).toEqual([
			'Price',
			'Size (cont.)',
			'Waiting for the book…'
		]);
		expect(calls.filter((c) => c.op === 'rect' && c.fill !== 'line')).toEqual([]);
	});

	it('draws in CSS pixels at the device’s pixel ratio', () => {
		const { ctx, transforms } = recorder();
		paintLadder(ctx, 200, 3, picture(), PALETTE);
		expect(transforms).toEqual([[3, 0, 0, 3, 0, 0]]);
	});
});
