import { describe, expect, it } from 'vitest';
import { initialWindows, judgePage, syncRange, LATE_ROW_REACH_MS } from './ledger-walk';

const DAY = 86_400_000;
const seconds = { pageSize: 200, maxWindowMs: 90 * DAY - 3000, granularityMs: 1000 };
const millis = { pageSize: 1000, granularityMs: 1 };

describe('initialWindows', () => {
	it('asks an endpoint without a maximum window for the whole range at once', () => {
		expect(initialWindows(1000, 5000, millis)).toEqual([{ from: 1000, to: 5000 }]);
	});

	it('cuts a range wider than the maximum into windows no wider, newest first, sharing ends', () => {
		const from = Date.UTC(2026, 0, 1);
		const to = from + 200 * DAY + 1234;
		const windows = initialWindows(from, to, seconds);
		expect(windows.length).toBe(3);
		expect(windows[0].to).toBe(to);
		expect(windows.at(-1)!.from).toBe(from);
		for (let i = 0; i < windows.length; i++) {
			const w = windows[i];
			expect(w.to - w.from).toBeLessThanOrEqual(seconds.maxWindowMs);
			if (i > 0) expect(w.to).toBe(windows[i - 1].from);
			// Inner cuts sit on whole seconds, so the seconds-unit query loses nothing.
			if (i > 0) expect(w.to % 1000).toBe(0);
		}
	});

	it('returns nothing for an empty or reversed range', () => {
		expect(initialWindows(5, 5, millis)).toEqual([]);
		expect(initialWindows(6, 5, millis)).toEqual([]);
	});
});

describe('judgePage', () => {
	it('treats an answer one row short of a page as complete', () => {
		expect(judgePage({ from: 0, to: 10_000 }, 199, seconds)).toEqual({ kind: 'complete' });
	});

	it('splits a full answer in two halves that share the midpoint, newer first', () => {
		const verdict = judgePage({ from: 0, to: 10_000, symbol: 'X' }, 200, seconds);
		expect(verdict).toEqual({
			kind: 'split',
			windows: [
				{ from: 5000, to: 10_000, symbol: 'X' },
				{ from: 0, to: 5000, symbol: 'X' }
			]
		});
	});

	it('keeps the split point on the endpoint grid (whole seconds)', () => {
		const verdict = judgePage({ from: 1500, to: 4700 }, 200, seconds);
		expect(verdict).toEqual({
			kind: 'split',
			windows: [
				{ from: 3000, to: 4700 },
				{ from: 1500, to: 3000 }
			]
		});
	});

	it('reports a full window too narrow to split instead of looping on it', () => {
		expect(judgePage({ from: 1000, to: 2000 }, 200, seconds)).toEqual({ kind: 'truncated' });
		expect(judgePage({ from: 7, to: 8 }, 1000, millis)).toEqual({ kind: 'truncated' });
		expect(judgePage({ from: 7, to: 9 }, 1000, millis).kind).toBe('split');
	});
});

describe('judgePage with a venue cursor', () => {
	const cursor = { pageSize: 100, granularityMs: 1, maxWindowMs: 30 * DAY, cursor: true };

	it('continues the same window from the cursor the page handed on', () => {
		expect(judgePage({ from: 10, to: 20, symbol: 'X' }, 100, cursor, '77')).toEqual({
			kind: 'continue',
			window: { from: 10, to: 20, symbol: 'X', cursor: '77' }
		});
	});

	it('ends a window on a page without a cursor, however full (never splits)', () => {
		expect(judgePage({ from: 10, to: 20 }, 100, cursor)).toEqual({ kind: 'complete' });
		expect(judgePage({ from: 10, to: 20 }, 3, cursor)).toEqual({ kind: 'complete' });
	});

	it('halves of a split start without the cursor of the window they came from', () => {
		const verdict = judgePage({ from: 0, to: 100, cursor: '5' }, 1000, millis);
		expect(verdict.kind).toBe('split');
		if (verdict.kind === 'split') {
			for (const w of verdict.windows) expect(w.cursor).toBeUndefined();
		}
	});
});

describe('syncRange', () => {
	it('asks for the whole chosen history when nothing is stored', () => {
		expect(syncRange(100 * DAY, 90 * DAY, undefined)).toEqual({ from: 10 * DAY, to: 100 * DAY });
	});

	it('asks only for what is newer than the newest stored row, reaching back an hour', () => {
		const newest = 99 * DAY;
		expect(syncRange(100 * DAY, 90 * DAY, newest)).toEqual({
			from: newest - LATE_ROW_REACH_MS,
			to: 100 * DAY
		});
	});
});
