/**
 * The browser side of the history bench, bundled by bench/history.ts and run in Chromium: the
 * app's own repo, calculators and uPlot, on the page's real IndexedDB.
 */
import uPlot from 'uplot';
import type { LedgerCursorRecord } from '../src/lib/db/ledger-schema';
import {
	directLedgerWriter,
	workerLedgerWriter,
	type LedgerPageWriter
} from '../src/lib/db/ledger-writer';
import { seedAccounts } from '../src/lib/db/account-fixture';
import { openPerchDB } from '../src/lib/db/open';
import { cumulativeSeries } from '../src/lib/domain/ledger-totals';
import { filterLedger } from '../src/lib/domain/ledger-view';
import type { LedgerEntry, LedgerType } from '../src/lib/exchanges/types';

const TYPES: LedgerType[] = ['funding', 'fee', 'realized-pnl', 'fee', 'funding', 'transfer'];
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT', 'LINKUSDT'];

function rows(n: number, accounts = 2): LedgerEntry[] {
	const start = Date.UTC(2026, 0, 1);
	const out: LedgerEntry[] = [];
	let seed = 1;
	const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
	for (let i = 0; i < n; i++) {
		const units = Math.floor((rand() - 0.55) * 2e9);
		const text = (units / 1e8).toFixed(8);
		out.push({
			id: `${i}|x`,
			accountId: `acct-${i % accounts}`,
			time: start + i * 60_000,
			type: TYPES[i % TYPES.length],
			amount: text,
			asset: 'USDT',
			symbol: i % TYPES.length === 5 ? undefined : SYMBOLS[i % SYMBOLS.length]
		});
	}
	return out;
}

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

interface InsertResult {
	insertMs: number;
	rowsPerSecond: number;
	longestTaskMs: number;
	longTasks: number;
}

/** Stores the rows through `writer` in 1000-row pages with their cursor, as the sync does. */
async function insert(data: LedgerEntry[], writer: LedgerPageWriter): Promise<InsertResult> {
	// Long main-thread tasks while storing: the reason the app stores in a Worker.
	const longTasks: number[] = [];
	const observer = new PerformanceObserver((list) => {
		for (const e of list.getEntries()) longTasks.push(e.duration);
	});
	observer.observe({ type: 'longtask', buffered: false });
	const page = 1000;
	const t0 = performance.now();
	for (let i = 0; i < data.length; i += page) {
		const slice = data.slice(i, i + page);
		const cursor: LedgerCursorRecord = {
			accountId: slice[0].accountId,
			stream: 'entries',
			pending: [],
			runFrom: 0,
			runTo: 1,
			rows: i + slice.length,
			windows: i / page + 1,
			truncated: 0,
			updatedAt: Date.now()
		};
		await writer.store('entries', slice, cursor);
	}
	const insertMs = performance.now() - t0;
	await frame();
	observer.disconnect();
	return {
		insertMs,
		rowsPerSecond: data.length / (insertMs / 1000),
		longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
		longTasks: longTasks.length
	};
}

/**
 * `mode` "main": the baseline, pages stored on the page's main thread (how the sync stored them
 * before the Worker); "worker": through the app's Worker writer and worker script at `workerUrl`.
 */
export async function runInsert(
	n: number,
	mode: 'main' | 'worker',
	workerUrl: string
): Promise<InsertResult> {
	const data = rows(n);
	const name = `bench-${mode}-${Date.now()}`;
	const db = await openPerchDB(name);
	// Ledger pages are stored only for stored accounts.
	await seedAccounts(db, ...new Set(data.map((r) => r.accountId)));
	const direct = directLedgerWriter(() => Promise.resolve(db));
	const writer =
		mode === 'main'
			? direct
			: workerLedgerWriter(() => new Worker(workerUrl, { name: 'perch-ledger-store' }), name, {
					store: () => Promise.reject(new Error('the bench worker failed')),
					close() {}
				});
	try {
		return await insert(data, writer);
	} finally {
		writer.close();
		db.close();
	}
}

export async function run(n: number): Promise<Record<string, number>> {
	const data = rows(n);

	const series: number[] = [];
	for (let i = 0; i < 5; i++) {
		const s = performance.now();
		cumulativeSeries(data);
		series.push(performance.now() - s);
	}

	const host = document.createElement('div');
	host.style.width = '1200px';
	document.body.append(host);
	const plot = new uPlot(
		{
			width: 1200,
			height: 240,
			scales: { x: { time: true } },
			series: [{}, { stroke: 'green' }, { stroke: 'blue' }, { stroke: 'red' }, { stroke: 'black' }]
		},
		[[], [], [], [], []],
		host
	);
	const draws: number[] = [];
	for (let i = 0; i < 5; i++) {
		await frame();
		const s = performance.now();
		// Alternate filters so no run reuses the last one's output.
		const filtered = filterLedger(data, i % 2 ? { accountId: 'acct-0' } : {});
		plot.setData(cumulativeSeries(filtered));
		await frame();
		draws.push(performance.now() - s);
	}
	plot.destroy();
	return {
		rows: n,
		seriesMs: median(series),
		drawMs: median(draws),
		drawMin: Math.min(...draws),
		drawMax: Math.max(...draws)
	};
}
