/**
 * Close latency: from the confirm (the call to `OrderGate.close`) to the signed request leaving
 * (the moment the adapter calls `fetch`), network excluded. The path is the real one: the gate's
 * checks and planner, the intent written to IndexedDB before sending, the BitMart body, the
 * SubtleCrypto HMAC, then `fetch`. The injected fetch notes the time, reports the order filled on
 * the gate (as the private stream would) and answers like the exchange, so every close completes.
 *
 * Baseline: one frame at 60 Hz. A close that leaves within a frame of the tap feels instant.
 */

// idb's wrap() checks against the IDB globals, which Node lacks: this installs fake-indexeddb's.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { availableParallelism, loadavg } from 'node:os';
import { recordCloseIntent } from '../src/lib/db/closes-repo';
import { openPerchDB, type PerchDatabase } from '../src/lib/db/open';
import { planClose } from '../src/lib/domain/close-planner';
import { sizeRulesOf } from '../src/lib/exchanges/registry';
import { createBitmartAdapter } from '../src/lib/exchanges/bitmart/adapter';
import { newClientOrderId } from '../src/lib/exchanges/bitmart/client-order-id';
import { hmacHex, restPrehash } from '../src/lib/exchanges/bitmart/sign';
import type { AccountCredentials, Order, Position } from '../src/lib/exchanges/types';
import { OrderGate, type CloseTarget } from '../src/lib/state/order-gate';
import { instrument as makeInstrument, order, position } from '../src/lib/testing/fixtures';
import { SimExchange } from '../src/sim/core';
import { createInPageTransport, DEMO_ENDPOINTS } from '../src/sim/browser/transport';
import { importSigningKey } from '../src/lib/vault/signing-key';
import { formatNs, table } from './timing';

const WARMUP = 200;
const ITERATIONS = 2_000;
const FRAME_MS = 1000 / 60;
/** The close-safety budget: confirm to signed request, p95. */
const BUDGET_P95_MS = 5;

function verdict(p95: number): string {
	return `${ms(p95)} ${p95 < BUDGET_P95_MS ? 'within' : 'OVER'} budget`;
}
const SYMBOL = 'BTCUSDT';
/** Not a real key: the bench never leaves the process. */
const TEST_SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

const instrument = makeInstrument({ symbol: SYMBOL, maxSize: '1000000' });

function positionFor(accountId: string): Position {
	return position({
		accountId,
		symbol: SYMBOL,
		size: '250',
		entryPrice: '64123.4',
		markPrice: '64210.0',
		liquidationPrice: '58000.0',
		margin: '1603.08',
		updatedAt: Date.now()
	});
}

function filledOrder(accountId: string, clientOrderId: string, size: number): Order {
	const now = Date.now();
	return order({
		accountId,
		orderId: String(now),
		clientOrderId,
		symbol: SYMBOL,
		size: String(size),
		filledSize: String(size),
		avgFillPrice: '64210.0',
		createdAt: now,
		updatedAt: now
	});
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Spread {
	p50: number;
	p95: number;
	p99: number;
	max: number;
}

function spread(samplesMs: number[]): Spread {
	const sorted = [...samplesMs].sort((a, b) => a - b);
	return {
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		max: sorted[sorted.length - 1]
	};
}

function ms(value: number): string {
	return formatNs(value * 1e6);
}

function row(label: string, s: Spread): string[] {
	return [label, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)];
}

interface CloseTimings {
	/** Confirm → fetch called. */
	toFetch: number[];
	/** Confirm → the gate announces "Sending" (checks, plan, id, intent written). */
	toRecorded: number[];
	/** "Sending" → fetch called (body, signature, headers). */
	recordedToFetch: number[];
	/** Confirm → the gate's result (reply read, record updated twice): context only. */
	whole: number[];
}

/** How the gate learns the private stream answers before it sends. */
type Liveness = 'recent' | 'probe';

async function timeCloses(
	db: PerchDatabase,
	creds: AccountCredentials,
	liveness: Liveness
): Promise<CloseTimings> {
	const gate = new OrderGate({ db, channel: null });
	let fetchCalledAt = 0;
	let recordedAt = 0;
	let accountId = '';
	// The gate says "Sending" right after the intent is in IndexedDB: a seam inside the timed path.
	gate.onFeedback((f) => {
		if (f.tone === 'info' && f.message.startsWith('Sending')) recordedAt = performance.now();
	});

	const recordingFetch: typeof fetch = (_input, init) => {
		fetchCalledAt = performance.now();
		const sign = (init?.headers as Record<string, string> | undefined)?.['X-BM-SIGN'] ?? '';
		if (!/^[0-9a-f]{64}$/.test(sign)) throw new Error('the request left unsigned');
		const body = JSON.parse(String(init?.body)) as { client_order_id: string; size: number };
		// The fill reaches the gate before the HTTP reply, as it often does from the private stream.
		gate.observeOrder(filledOrder(accountId, body.client_order_id, body.size));
		const reply = {
			code: 1000,
			message: 'Ok',
			data: { order_id: 220609666322019, price: '64210.0' },
			trace: 'bench'
		};
		return Promise.resolve(
			new Response(JSON.stringify(reply), { headers: { 'Content-Type': 'application/json' } })
		);
	};

	// The private socket is real: the in-page simulator logs it in and answers its keepalives, so
	// the probe variant measures a true ping round trip (no network, one event-loop hop each way).
	const sim = new SimExchange({ seed: 7 });
	sim.addAccount({ apiKey: creds.apiKey, secret: TEST_SECRET, memo: creds.fields.memo });
	const transport = createInPageTransport(sim);
	const adapter = createBitmartAdapter({
		endpoints: DEMO_ENDPOINTS,
		fetch: recordingFetch,
		socketFactory: transport.socketFactory,
		watchEnvironment: false
	});
	const stream = adapter.openAccountStream({ ...creds, accountId: 'bench' });
	await until(() => stream.status.state === 'live');

	const timings: CloseTimings = { toFetch: [], toRecorded: [], recordedToFetch: [], whole: [] };
	for (let i = 0; i < WARMUP + ITERATIONS; i++) {
		// A fresh account per close: no lock can refuse, and no record is ever reused.
		accountId = `bench-${liveness}-${i}`;
		const position = positionFor(accountId);
		const target: CloseTarget = {
			accountId,
			accountLabel: `Bench ${i}`,
			adapter,
			creds: { ...creds, accountId },
			livePosition: () => position,
			instrument: () => instrument,
			sizeRules: sizeRulesOf(instrument.venue),
			// 'recent': a frame arrived within the last 2 s, so no round trip is needed.
			// 'probe': the stream was quiet, so the gate waits for a keepalive's pong first.
			probe: () => stream.probe({ maxSilenceMs: liveness === 'recent' ? 60_000 : 0 })
		};
		gate.attach(target);
		const planned = planClose({
			position,
			instrument,
			fraction: 0.4,
			rules: sizeRulesOf(instrument.venue)
		});
		if (!planned.ok) throw new Error(planned.reason);
		fetchCalledAt = 0;
		recordedAt = 0;
		const confirmedAt = performance.now();
		const result = await gate.close(target, { plan: planned.order, fraction: 0.4 });
		const doneAt = performance.now();
		if (result.status !== 'filled' || fetchCalledAt === 0 || recordedAt === 0) {
			throw new Error(`close ${i} did not complete: ${JSON.stringify(result)}`);
		}
		if (i < WARMUP) continue;
		timings.toFetch.push(fetchCalledAt - confirmedAt);
		timings.toRecorded.push(recordedAt - confirmedAt);
		timings.recordedToFetch.push(fetchCalledAt - recordedAt);
		timings.whole.push(doneAt - confirmedAt);
	}
	stream.close();
	sim.stop();
	gate.dispose();
	return timings;
}

async function until(check: () => boolean): Promise<void> {
	for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
	if (!check()) throw new Error('the private stream did not come up');
}

/** Times `body` once per iteration after the warm-up; `body` gets the iteration number. */
async function sample(body: (i: number) => unknown): Promise<number[]> {
	const samples: number[] = [];
	for (let i = 0; i < WARMUP + ITERATIONS; i++) {
		const start = performance.now();
		await body(i);
		if (i >= WARMUP) samples.push(performance.now() - start);
	}
	return samples;
}

/** The same signature privateRequest computes for the submit-order body the gate sends. */
function timeSigning(key: CryptoKey): Promise<number[]> {
	const body = JSON.stringify({
		symbol: SYMBOL,
		client_order_id: 'perch0123456789abcdefghijklmn',
		side: 3,
		type: 'market',
		size: 100,
		open_type: 'cross'
	});
	return sample(() => hmacHex(key, restPrehash(String(Date.now()), 'bench-memo', body)));
}

/** The intent record alone, shaped like the gate's, into the same store. */
function timeIntentWrites(db: PerchDatabase): Promise<number[]> {
	return sample((i) => {
		const at = Date.now();
		return recordCloseIntent(db, {
			id: `benchwrite${i}`,
			accountId: `bench-write-${i}`,
			createdAt: at,
			updatedAt: at,
			state: 'pending',
			request: {
				venue: 'bitmart',
				symbol: SYMBOL,
				positionSide: 'long',
				orderSide: 'sell',
				size: '100',
				type: 'market',
				fraction: '0.4'
			}
		});
	});
}

export async function runCloseBench(): Promise<void> {
	const db = await openPerchDB('perch-bench-close', new IDBFactory());
	const signingKey = await importSigningKey(TEST_SECRET);
	const creds: AccountCredentials = {
		accountId: '',
		apiKey: 'bench-api-key',
		fields: { memo: 'bench-memo' },
		signingKey
	};

	const closes = await timeCloses(db, creds, 'recent');
	const probed = await timeCloses(db, creds, 'probe');
	const signing = spread(await timeSigning(signingKey));
	const intent = spread(await timeIntentWrites(db));
	const position = positionFor('bench-plan');
	const planning = spread(
		await sample(() =>
			planClose({ position, instrument, fraction: 0.4, rules: sizeRulesOf(instrument.venue) })
		)
	);
	const clientId = spread(await sample(() => newClientOrderId()));
	const toFetch = spread(closes.toFetch);
	const probedToFetch = spread(probed.toFetch);
	db.close();

	console.log(
		`${ITERATIONS} closes after ${WARMUP} warm-up, each on its own position (BTCUSDT long 250, close 40 %).\n` +
			'IndexedDB is fake-indexeddb in Node, standing in for the browser IndexedDB; no network.\n' +
			`Machine: ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} (tails grow with load).\n`
	);
	console.log(
		table([
			['', 'p50', 'p95', 'p99', 'max'],
			row('confirm → signed request leaves', toFetch),
			row('  same, quiet stream: keepalive probe first', probedToFetch),
			row('  stage: confirm → intent recorded', spread(closes.toRecorded)),
			row('  stage: intent recorded → fetch called', spread(closes.recordedToFetch)),
			['each piece alone, same inputs:', '', '', '', ''],
			row('  IndexedDB intent write', intent),
			row('  HMAC-SHA256 sign of the body', signing),
			row('  close planner (exact size)', planning),
			row('  new client order id', clientId),
			['for context, not the headline:', '', '', '', ''],
			row('  confirm → result (reply, 2 updates)', spread(closes.whole))
		])
	);
	console.log(
		'\nThe tail above p95 tracks GC pauses and load from other processes more than the code path.' +
			`\nBaseline: one frame at 60 Hz (${FRAME_MS.toFixed(1)} ms). ` +
			`p95 / frame = ${(toFetch.p95 / FRAME_MS).toFixed(3)}; p99 / frame = ${(toFetch.p99 / FRAME_MS).toFixed(3)}.` +
			`\nBudget: confirm → signed request p95 < ${BUDGET_P95_MS} ms: ` +
			`${verdict(toFetch.p95)} (stream heard recently), ${verdict(probedToFetch.p95)} (quiet stream, probe first).`
	);
}
