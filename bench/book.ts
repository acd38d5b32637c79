/**
 * Order book benchmark: one seeded replay of over a million level updates on a 50-level book.
 * (a) wire frame → JSON.parse → BitMart normalization (the venue codec's own function);
 * (b) applying the same pre-parsed BookMessages to Perch's OrderBook (through BitMart's sequencer) and to the `orderbooks` npm
 * package, the baseline. All books must end equal to each other and to the venue's window.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { OrderBooksStore, type OrderBookLevelState } from 'orderbooks';
import { OrderBook, type DepthCurve } from '../src/lib/book/order-book';
import { BitmartBookSequencer } from '../src/lib/exchanges/bitmart/book-sequencer';
import { parseDecimal } from '../src/lib/book/parse-decimal';
import { normalizeDepthIncrease } from '../src/lib/exchanges/bitmart/normalize';
import type { BookMessage, WireLevel } from '../src/lib/exchanges/types';
import { buildReplay, REPLAY_DEPTH, REPLAY_SYMBOL } from './book-replay';
import { formatNs, measureInterleaved, medianRatio, table, type Timing } from './timing';

const SEED = 20_240_601;
const MIN_LEVEL_UPDATES = 1_000_000;
const TARGET_NS = 300;
const TARGET_RATIO = 10;
const ROUNDS = 7;
/** What the app reads per animation frame in which the book changed (ladder rows, depth chart). */
const LADDER_ROWS = 12;
const CHART_LEVELS = 50;
const FRAME_MS = 1000 / 60;

/** orderbooks keeps one array for both sides, keyed by price; deletes and upserts go separately. */
interface BaselineDelta {
	deletes: OrderBookLevelState[];
	upserts: OrderBookLevelState[];
	ts: number;
}

export function runBookBench(): void {
	const baselineName = `orderbooks@${packageVersion('orderbooks')}`;
	const started = Date.now();
	const replay = buildReplay(SEED, MIN_LEVEL_UPDATES);
	const { frames, levelUpdates } = replay;
	console.log(
		`replay: ${frames.length.toLocaleString('en')} frames (1 snapshot), ` +
			`${levelUpdates.toLocaleString('en')} level updates, ${REPLAY_DEPTH}-level book, ` +
			`seed ${SEED}, built in ${Date.now() - started} ms`
	);

	// (a) What the socket handler pays per frame before the book sees it.
	let messages: BookMessage[] = [];
	const decode = measureInterleaved(
		{
			jsonOnly: () => frames.map((f) => JSON.parse(f) as unknown),
			parse: () => (messages = frames.map(parseFrame))
		},
		ROUNDS,
		1
	);
	const [snapshot, ...updates] = messages;

	// (b) Apply only, from the same pre-parsed messages. The baseline twice: fed the same
	// BookMessages, converting each to its tuples as an integration would (like for like), and fed
	// tuples converted before the clock starts (its best case: charged for its own work only).
	const baselineSnapshot = [
		...toBaselineLevels(snapshot.bids, 'Buy'),
		...toBaselineLevels(snapshot.asks, 'Sell')
	];
	const baselineDeltas = updates.map(toBaselineDelta);
	const noInserts: OrderBookLevelState[] = [];
	let perchBook = new OrderBook({ maxDepth: REPLAY_DEPTH });
	let perchSequencer = new BitmartBookSequencer();
	let perchApplied = 0;
	let store = newBaselineStore(baselineSnapshot, snapshot.ts);
	let bidCurve: DepthCurve | undefined;
	let askCurve: DepthCurve | undefined;
	const timings = measureInterleaved(
		{
			// Not a contender: what reading and parsing every level's two strings costs with no book.
			floor: () => {
				let sum = 0;
				for (let i = 0; i < updates.length; i++) sum += readLevels(updates[i]);
				if (sum === -1) console.log(sum);
			},
			// The book and BitMart's sequencer (version + 1), as a market session feeds them.
			perch: () => {
				const book = new OrderBook({ maxDepth: REPLAY_DEPTH });
				const sequencer = new BitmartBookSequencer();
				sequencer.apply(snapshot, book);
				perchApplied = 0;
				for (let i = 0; i < updates.length; i++) {
					if (sequencer.apply(updates[i], book) === 'applied') perchApplied++;
				}
				perchBook = book;
				perchSequencer = sequencer;
			},
			// Not the headline: the app's whole bill, with the reads of every 60 fps frame in which
			// the book changed (by venue time; at 100 ms pushes that is one read per message).
			perchWithFrameReads: () => {
				const book = new OrderBook({ maxDepth: REPLAY_DEPTH });
				const sequencer = new BitmartBookSequencer();
				sequencer.apply(snapshot, book);
				let nextFrameAt = 0;
				let rows = 0;
				for (let i = 0; i < updates.length; i++) {
					const update = updates[i];
					sequencer.apply(update, book);
					if (update.ts < nextFrameAt) continue;
					nextFrameAt = update.ts + FRAME_MS;
					rows += book.levels('bid', LADDER_ROWS).length + book.levels('ask', LADDER_ROWS).length;
					bidCurve = book.cumulative('bid', CHART_LEVELS, bidCurve);
					askCurve = book.cumulative('ask', CHART_LEVELS, askCurve);
				}
				if (rows === -1) console.log(rows);
			},
			baselineSameMessages: () => {
				store = newBaselineStore(baselineSnapshot, snapshot.ts);
				for (let i = 0; i < updates.length; i++) {
					const d = toBaselineDelta(updates[i]);
					store.handleDelta(REPLAY_SYMBOL, d.deletes, d.upserts, noInserts, d.ts);
				}
			},
			baselinePreconverted: () => {
				store = newBaselineStore(baselineSnapshot, snapshot.ts);
				for (let i = 0; i < baselineDeltas.length; i++) {
					const d = baselineDeltas[i];
					store.handleDelta(REPLAY_SYMBOL, d.deletes, d.upserts, noInserts, d.ts);
				}
			}
		},
		ROUNDS,
		1
	);
	const { floor, perch, perchWithFrameReads, baselineSameMessages, baselinePreconverted } = timings;

	const allLevels = levelUpdates + snapshot.bids.length + snapshot.asks.length;
	const row = (label: string, t: Timing, per: number): string[] => [
		label,
		formatNs(t.median / per),
		`${formatNs(t.min / per)} – ${formatNs(t.max / per)}`,
		String(t.runs)
	];
	const ratioRow = (t: Timing): string[] => [
		'    ratio (orderbooks ns / Perch ns)',
		`${medianRatio(t, perch).toFixed(1)}×`,
		'',
		''
	];
	console.log(`baseline: ${baselineName}; load average at the end: ${loadAverage()}`);
	console.log(
		table([
			['stage', 'median', 'range (min – max)', 'runs'],
			row('(a) JSON.parse + normalize, per frame', decode.parse, frames.length),
			row('    the same, per level', decode.parse, allLevels),
			row('    of which JSON.parse alone, per frame', decode.jsonOnly, frames.length),
			row('(b) Perch book + BitMart sequencer, per level', perch, levelUpdates),
			row('    floor: read + parse the 2 strings, no book', floor, levelUpdates),
			row('    with 60 fps frame reads (not the headline)', perchWithFrameReads, levelUpdates),
			row(`(b) ${baselineName}, same BookMessages`, baselineSameMessages, levelUpdates),
			ratioRow(baselineSameMessages),
			row(`(b) ${baselineName}, pre-converted tuples`, baselinePreconverted, levelUpdates),
			ratioRow(baselinePreconverted)
		])
	);
	const perchNs = perch.median / levelUpdates;
	const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
	console.log(
		`target: < ${TARGET_NS} ns per level update: ${verdict(perchNs < TARGET_NS)}; ` +
			`≥ ${TARGET_RATIO}× the baseline: ` +
			`${verdict(medianRatio(baselineSameMessages, perch) >= TARGET_RATIO)} like for like, ` +
			`${verdict(medianRatio(baselinePreconverted, perch) >= TARGET_RATIO)} against its best case`
	);
	console.log(
		`sanity: ${checkEqual(perchBook, perchSequencer, perchApplied, updates.length, store, replay.finalWindow)}`
	);
}

/** The machine may be shared: the numbers mean little without the load they were taken under. */
function loadAverage(): string {
	return os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' ');
}

function parseFrame(frame: string): BookMessage {
	const msg = JSON.parse(frame) as { data: unknown; group: string };
	return normalizeDepthIncrease(msg.data);
}

/** Touches and parses each level's price and size, as any book must. */
function readLevels(m: BookMessage): number {
	let sum = 0;
	for (const l of m.bids) sum += parseDecimal(l.price) + parseDecimal(l.size);
	for (const l of m.asks) sum += parseDecimal(l.price) + parseDecimal(l.size);
	return sum;
}

function newBaselineStore(snapshot: OrderBookLevelState[], ts: number): OrderBooksStore {
	// One array holds both sides, so 2 × 50; the venue's window never holds more than 50 a side.
	const store = new OrderBooksStore({ maxDepth: REPLAY_DEPTH * 2 });
	// handleSnapshot keeps and sorts the array it is given: hand it a fresh one each run.
	store.handleSnapshot(REPLAY_SYMBOL, [...snapshot], ts);
	return store;
}

function toBaselineLevels(levels: WireLevel[], side: 'Buy' | 'Sell'): OrderBookLevelState[] {
	return levels.map((l) => [REPLAY_SYMBOL, Number(l.price), side, Number(l.size)]);
}

function toBaselineDelta(m: BookMessage): BaselineDelta {
	const deletes: OrderBookLevelState[] = [];
	const upserts: OrderBookLevelState[] = [];
	for (const level of toBaselineLevels(m.bids, 'Buy')) {
		(level[3] === 0 ? deletes : upserts).push(level);
	}
	for (const level of toBaselineLevels(m.asks, 'Sell')) {
		(level[3] === 0 ? deletes : upserts).push(level);
	}
	return { deletes, upserts, ts: m.ts };
}

/** Perch, the baseline and the generator's own window must all hold the same 2 × 50 levels. */
function checkEqual(
	perch: OrderBook,
	sequencer: BitmartBookSequencer,
	applied: number,
	updateCount: number,
	store: OrderBooksStore,
	truth: { version: number; bids: WireLevel[]; asks: WireLevel[] }
): string {
	const problems: string[] = [];
	if (applied !== updateCount) problems.push(`Perch applied ${applied} of ${updateCount} updates`);
	if (sequencer.state !== 'live' || sequencer.version !== truth.version) {
		problems.push(
			`Perch is ${sequencer.state} at version ${sequencer.version}, expected ${truth.version}`
		);
	}
	// orderbooks sorts both sides together, highest price first: asks, then bids.
	const book = store.getBook(REPLAY_SYMBOL).book;
	const baseline = {
		bid: book.filter((l) => l[2] === 'Buy'),
		ask: book.filter((l) => l[2] === 'Sell').reverse()
	};
	for (const side of ['bid', 'ask'] as const) {
		const ours = perch.levels(side, Infinity);
		const expected = side === 'bid' ? truth.bids : truth.asks;
		if (JSON.stringify(ours) !== JSON.stringify(expected)) {
			problems.push(`Perch ${side}s differ from the venue window`);
		}
		const theirs = baseline[side];
		const same =
			ours.length === theirs.length &&
			ours.every((l, i) => Number(l.price) === theirs[i][1] && Number(l.size) === theirs[i][3]);
		if (!same) problems.push(`Perch and the baseline differ on ${side}s`);
	}
	if (problems.length > 0) return `MISMATCH: ${problems.join('; ')}`;
	return (
		`Perch, the baseline and the venue window end equal ` +
		`(${perch.bidCount} bids, ${perch.askCount} asks, version ${sequencer.version})`
	);
}

function packageVersion(name: string): string {
	const require = createRequire(import.meta.url);
	const manifest = require.resolve(`${name}/package.json`);
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
