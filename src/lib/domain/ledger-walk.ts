/**
 * The window walker: which windows to ask a ledger endpoint for, and what to do with a full
 * answer. Pure; the sync engine keeps the list of pending windows (newest first) and persists it,
 * so a reload resumes exactly where it stopped.
 *
 * Windows are Unix ms with both ends inclusive. No venue Perch speaks documents whether its own
 * bounds are inclusive, so neighbouring windows share their boundary instant: a row stamped
 * exactly there is fetched whichever end the venue includes, and deduplication drops the copy.
 */

import type { LedgerPaging, LedgerWindow } from '$lib/exchanges/types';

export type WalkPaging = Pick<
	LedgerPaging,
	'pageSize' | 'maxWindowMs' | 'granularityMs' | 'cursor'
>;

/**
 * The windows that cover [from, to], newest first, none wider than the endpoint allows. Cut
 * points fall on whole multiples of the endpoint's granularity (whole seconds for an endpoint
 * that takes seconds).
 */
export function initialWindows(from: number, to: number, paging: WalkPaging): LedgerWindow[] {
	if (!(to > from)) return [];
	const max = paging.maxWindowMs;
	const g = Math.max(1, paging.granularityMs);
	if (max === undefined || to - from <= max) return [{ from, to }];
	const windows: LedgerWindow[] = [];
	let end = to;
	while (end > from) {
		// Keep the cut on the grid, and never so close to `end` that no progress is made.
		let start = Math.ceil((end - max) / g) * g;
		if (start >= end) start = end - g;
		if (start <= from) start = from;
		windows.push({ from: start, to: end });
		end = start;
	}
	return windows;
}

export type PageVerdict =
	/** The answer held fewer rows than a page: the window is complete. */
	| { kind: 'complete' }
	/** The venue handed a cursor for the rest of this window: ask again from there. */
	| { kind: 'continue'; window: LedgerWindow }
	/** Full: ask for both halves instead (newer half first), sharing the midpoint. */
	| { kind: 'split'; windows: [LedgerWindow, LedgerWindow] }
	/**
	 * Full, and too narrow to split on the endpoint's grid: rows beyond one page in this instant
	 * cannot be reached through this endpoint. Reported, never silently dropped.
	 */
	| { kind: 'truncated' };

export function judgePage(
	window: LedgerWindow,
	rows: number,
	paging: WalkPaging,
	next?: string
): PageVerdict {
	if (next !== undefined) return { kind: 'continue', window: { ...window, cursor: next } };
	// A cursor venue says itself when a window is done; its row count proves nothing.
	if (paging.cursor || rows < paging.pageSize) return { kind: 'complete' };
	const g = Math.max(1, paging.granularityMs);
	const mid = Math.floor((window.from + window.to) / 2 / g) * g;
	if (mid <= window.from || mid >= window.to) return { kind: 'truncated' };
	// Halves start afresh: a cursor belongs to the window it came from.
	const symbol = window.symbol === undefined ? {} : { symbol: window.symbol };
	return {
		kind: 'split',
		windows: [
			{ from: mid, to: window.to, ...symbol },
			{ from: window.from, to: mid, ...symbol }
		]
	};
}

/** How far back an incremental refresh reaches for rows a venue posts late (funding). */
export const LATE_ROW_REACH_MS = 60 * 60 * 1000;

/**
 * The range a sync asks for: on the first run, the chosen history; afterwards only what is newer
 * than the newest row already stored, reaching back an hour.
 */
export function syncRange(
	now: number,
	historyMs: number,
	newestStored: number | undefined
): { from: number; to: number } {
	const oldest = now - historyMs;
	if (newestStored === undefined) return { from: oldest, to: now };
	return { from: Math.max(oldest, newestStored - LATE_ROW_REACH_MS), to: now };
}
