/**
 * The close fault campaign: many close intents on random positions and fractions, under randomly
 * mixed faults, through the REAL order gate, BitMart adapter and AccountSession, against the
 * simulator core over the in-page transport (no network) and fake-indexeddb. After every intent
 * the simulator's own books are compared with what Perch recorded:
 *
 * - no intent executed twice, and no user intent produced two executed orders;
 * - no order larger than the size the user confirmed, none on the wrong side;
 * - a re-send only after a timestamp rejection, once, with the same content;
 * - every "not placed" absent on the exchange, every "confirmed" executed, no "rejected" executed;
 * - once the faults stop and the acceptance window has passed, no record is left open.
 *
 * Time: a virtual offset moves every clock Perch and the simulator read (the exchange clock, the
 * device's wall and monotonic clocks) at once, so "75 s later" costs nothing; separate faults
 * step the device's wall clock alone (±1 h) or the exchange's clock alone (a 30007).
 *
 * The simulator's rate limits are off: the campaign fires in a second what a person does in a
 * minute, and every other snapshot would be a 429. A rate-limited close is injected on purpose.
 */

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { getClose, isFinalClose, listClosesForAccount } from '../../src/lib/db/closes-repo';
import { openPerchDB, type PerchDatabase } from '../../src/lib/db/open';
import type { CloseRecord } from '../../src/lib/db/schema';
import { planClose, type ClosePlan } from '../../src/lib/domain/close-planner';
import { sizeRulesOf } from '../../src/lib/exchanges/registry';
import { createBitmartAdapter } from '../../src/lib/exchanges/bitmart/adapter';
import type { AccountCredentials, Position } from '../../src/lib/exchanges/types';
import type { SocketLike } from '../../src/lib/net/types';
import { MarketStreamPool } from '../../src/lib/exchanges/market-stream-pool';
import { AccountSession } from '../../src/lib/state/account-session.svelte';
import { OrderGate, type CloseResult } from '../../src/lib/state/order-gate';
import { importSigningKey } from '../../src/lib/vault/signing-key';
import { createInPageTransport, DEMO_ENDPOINTS } from '../../src/sim/browser/transport';
import {
	SimExchange,
	type RestRequest,
	type RestResponse,
	type SimAccountHandle
} from '../../src/sim/core';
import { Prng } from '../../src/sim/core/prng';

export const FAULT_KINDS = [
	'socket-drop',
	'late-execution',
	'late-reply',
	'lost-reply',
	'reload',
	'device-clock-step',
	'exchange-clock-step',
	'rate-limit-429',
	'timestamp-30007',
	'duplicate-position-push',
	'omit-closed-position',
	'position-change'
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface CampaignOptions {
	seed: number;
	/** Confirmed close intents to run (previews the planner refuses do not count). */
	intents: number;
	log?: (line: string) => void;
}

export interface CampaignReport {
	seed: number;
	intents: number;
	/** Faults that took effect (seen at the exchange or on the wire), by kind. */
	faults: Record<FaultKind, number>;
	/** Final outcomes: filled, rejected:<code>, not-placed, refused:<reason class>. */
	outcomes: Record<string, number>;
	/** Intents the gate first answered "unknown", by the final state they resolved to. */
	unknownResolved: Record<string, number>;
	/** Previews the planner refused (below the step or minimum): nothing to confirm. */
	previewRefused: number;
	/** Re-sends of the same intent after a timestamp rejection. */
	resends: number;
	/** Times the campaign moved every clock past the acceptance window to let absence be proven. */
	windowAdvances: number;
	/** Intents whose record was still open when the next one started (resolved later). */
	openAfterIntent: number;
	checks: number;
	violations: string[];
	durationMs: number;
}

/** Small gate timings keep the campaign fast; the logic is the same at any scale. */
const SUBMIT_TIMEOUT_MS = 150;
const SETTLE_TIMEOUT_MS = 200;
const QUERY_INTERVAL_MS = 25;
const MAX_QUERY_INTERVAL_MS = 100;
/** Past BitMart's 60 s window and the gate's 10 s margin. */
const WINDOW_STEP_MS = 75_000;
const HOUR_MS = 3_600_000;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT', 'LINKUSDT'];
/** The usual buttons and some odd shares the planner also accepts or refuses in words. */
const FRACTIONS = [0.25, 0.5, 1, 0.25, 0.5, 1, 0.1, 0.2, 1 / 3, 0.75, 0.9, 0.01, 0.6];
const MAX_VIOLATIONS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
	const end = performance.now() + timeoutMs;
	while (!check()) {
		if (performance.now() > end) return false;
		await sleep(stepMs);
	}
	return true;
}

interface Intent {
	index: number;
	plan: ClosePlan;
	fraction: number;
	/** The live size the user saw when confirming. */
	seenSize: string;
	faults: FaultKind[];
	/** The record the gate wrote for it, once known. */
	id?: string;
	first?: CloseResult['status'];
}

interface SubmitSeen {
	clientOrderId: string;
	body: string;
	code: number | undefined;
	dropped: boolean;
	ms: number;
}

interface Page {
	db: PerchDatabase;
	gate: OrderGate;
	session: AccountSession;
	alive: boolean;
}

/** Counts position frames reaching Perch's sockets (to prove duplicated pushes arrived). */
class CountingSocket implements SocketLike {
	readonly #inner: SocketLike;
	constructor(inner: SocketLike, onFrame: (data: unknown) => void) {
		this.#inner = inner;
		inner.onopen = (ev) => this.onopen?.(ev);
		inner.onclose = (ev) => this.onclose?.(ev);
		inner.onerror = (ev) => this.onerror?.(ev);
		inner.onmessage = (ev) => {
			onFrame(ev.data);
			this.onmessage?.(ev);
		};
	}
	onopen: SocketLike['onopen'] = null;
	onmessage: SocketLike['onmessage'] = null;
	onclose: SocketLike['onclose'] = null;
	onerror: SocketLike['onerror'] = null;
	get readyState() {
		return this.#inner.readyState;
	}
	get binaryType() {
		return this.#inner.binaryType;
	}
	set binaryType(value: string) {
		this.#inner.binaryType = value;
	}
	send(data: string) {
		this.#inner.send(data);
	}
	close(code?: number, reason?: string) {
		this.#inner.close(code, reason);
	}
}

export async function runCloseCampaign(options: CampaignOptions): Promise<CampaignReport> {
	const started = performance.now();
	const rng = new Prng(options.seed);
	// Decisions taken on timing (how long a request stays unresolved) draw from their own stream,
	// so the schedule of intents and faults is the same on every run of a seed.
	const timingRng = new Prng(options.seed ^ 0x7157);
	const log = options.log ?? (() => {});
	const report: CampaignReport = {
		seed: options.seed,
		intents: 0,
		faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
		outcomes: {},
		unknownResolved: {},
		previewRefused: 0,
		resends: 0,
		windowAdvances: 0,
		openAfterIntent: 0,
		checks: 0,
		violations: [],
		durationMs: 0
	};
	const bump = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);
	const violation = (text: string) => {
		if (report.violations.includes(text)) return;
		if (report.violations.length < MAX_VIOLATIONS) report.violations.push(text);
		log(`VIOLATION ${text}`);
	};

	// Clocks. `virt` is time passing for everyone; the other two are faults.
	let virt = 0;
	let exchangeAhead = 0;
	let deviceStep = 0;
	const exchangeNow = () => Date.now() + virt + exchangeAhead;
	const wallNow = () => Date.now() + virt + deviceStep;
	const monotonicNow = () => performance.now() + virt;

	const sim = new SimExchange({
		seed: options.seed,
		now: exchangeNow,
		rateLimits: false,
		timing: { positionPushMs: 1_000, lifelessMs: 0 }
	});
	const secret = `campaign-secret-${options.seed}`;
	const handle: SimAccountHandle = sim.addAccount({ apiKey: 'campaign-key', secret, memo: 'cm' });
	handle.setBalance('USDT', '1000000000');
	const creds: AccountCredentials = {
		accountId: 'campaign',
		apiKey: 'campaign-key',
		fields: { memo: 'cm' },
		signingKey: await importSigningKey(secret)
	};
	const identity = {
		id: 'campaign',
		presetId: 'custom',
		label: 'Campaign',
		venue: 'bitmart' as const,
		endpoints: DEMO_ENDPOINTS
	};

	// What reaches the exchange: every submit, its answer, and hooks for faults that act there.
	const submits: SubmitSeen[] = [];
	let currentFaults: FaultKind[] | null = null;
	let beforeSubmit: Array<() => void> = [];
	let inFlight = 0;
	let afterSubmit: ((seen: SubmitSeen) => void) | null = null;
	const handleRest = sim.handleRest.bind(sim);
	sim.handleRest = async (req: RestRequest): Promise<RestResponse> => {
		if (req.method === 'OPTIONS' || !req.path.endsWith('/submit-order')) return handleRest(req);
		const t0 = performance.now();
		for (const hook of beforeSubmit.splice(0)) hook();
		inFlight++;
		const response = await handleRest(req).finally(() => inFlight--);
		let code: number | undefined;
		try {
			code = (JSON.parse(response.body) as { code?: number }).code;
		} catch {
			code = undefined;
		}
		let clientOrderId = '';
		try {
			clientOrderId = String(
				(JSON.parse(req.body) as { client_order_id?: unknown }).client_order_id
			);
		} catch {
			/* an unreadable body is checked below as an order without a record */
		}
		const seen: SubmitSeen = {
			clientOrderId,
			body: req.body,
			code,
			dropped: response.dropped === true,
			ms: performance.now() - t0
		};
		submits.push(seen);
		if (seen.dropped) report.faults['lost-reply']++;
		if (seen.dropped) currentFaults?.push('lost-reply');
		if (code === 30013) report.faults['rate-limit-429']++;
		if (code === 30007) report.faults['timestamp-30007']++;
		afterSubmit?.(seen);
		return response;
	};

	const transport = createInPageTransport(sim);
	let countPositionFrames = false;
	let positionFrames = 0;
	const socketFactory = (url: string): SocketLike =>
		new CountingSocket(transport.socketFactory(url), (data) => {
			if (typeof data === 'string' && data.includes('"access"') && !data.includes('true'))
				log(`login refused: ${data} exchange ahead ${exchangeAhead} virt ${virt}`);
			if (countPositionFrames && typeof data === 'string' && data.includes('futures/position')) {
				if (data.includes('"data"')) positionFrames++;
			}
		});

	const factory = new IDBFactory();
	async function openPage(): Promise<Page> {
		const db = await openPerchDB('perch', factory);
		const gate = new OrderGate({
			db,
			channel: null,
			now: wallNow,
			submitTimeoutMs: SUBMIT_TIMEOUT_MS,
			settleTimeoutMs: SETTLE_TIMEOUT_MS,
			queryIntervalMs: QUERY_INTERVAL_MS,
			maxQueryIntervalMs: MAX_QUERY_INTERVAL_MS
		});
		await gate.load();
		const page = { db, gate, alive: true } as Page;
		// A reloaded page's requests die with it: nothing new leaves, a late answer is never read
		// (what already reached the exchange is still processed there).
		const pageFetch: typeof fetch = async (input, init) => {
			if (!page.alive) throw new TypeError('Failed to fetch');
			const response = await transport.fetch(input, init);
			if (!page.alive) throw new TypeError('Failed to fetch');
			return response;
		};
		page.session = new AccountSession(
			identity,
			creds,
			gate,
			async () =>
				createBitmartAdapter({
					endpoints: DEMO_ENDPOINTS,
					fetch: pageFetch,
					socketFactory,
					watchEnvironment: false,
					now: wallNow,
					monotonicNow
				}),
			// Each "page" has its own public sockets, as a reloaded page would.
			new MarketStreamPool()
		);
		await page.session.start();
		return page;
	}
	function killPage(page: Page): void {
		page.alive = false;
		page.session.stop();
		page.gate.dispose();
		page.db.close();
	}

	const viewKey = (p: { symbol: string; side: string; size: string }) =>
		`${p.symbol}:${p.side}:${p.size}`;
	function viewMatches(page: Page): boolean {
		const mine = page.session.positions.map(viewKey).sort().join(',');
		const theirs = handle.positions().map(viewKey).sort().join(',');
		return mine === theirs;
	}
	async function ready(page: Page, timeoutMs = 4000): Promise<boolean> {
		return until(
			() =>
				page.session.streamLive &&
				page.session.snapshot === 'ready' &&
				Object.keys(page.session.instruments).length > 0 &&
				viewMatches(page),
			timeoutMs
		);
	}

	// Orders the campaign placed "elsewhere" (trade()): not Perch's, skipped by the checks.
	const foreign = new Set<string>();
	function trade(symbol: string, side: 1 | 2 | 3 | 4, size: number): boolean {
		try {
			foreign.add(handle.trade({ symbol, side, size }).orderId);
			return true;
		} catch {
			return false;
		}
	}
	function topUpPositions(): void {
		const open = handle.positions();
		const want = open.length < 2 ? 4 : open.length < 5 && rng.chance(0.3) ? open.length + 1 : 0;
		for (let tries = 0; handle.positions().length < want && tries < 10; tries++) {
			const symbol = SYMBOLS[rng.int(0, SYMBOLS.length - 1)];
			const side = rng.chance(0.5) ? 'long' : 'short';
			if (handle.positions().some((p) => p.symbol === symbol && p.side === side)) continue;
			trade(symbol, side === 'long' ? 1 : 4, rng.int(1, 300));
		}
	}

	const intents = new Map<string, Intent>();
	/** The first final state each record showed: a final answer must never change afterwards. */
	const firstFinal = new Map<string, CloseRecord['state']>();
	/** What the gate answered the user, by record, when it gave a final answer. */
	const answered = new Map<string, CloseRecord['state']>();
	const known = new Set<string>();
	async function records(page: Page): Promise<CloseRecord[]> {
		return listClosesForAccount(page.db, identity.id);
	}

	/** Compares the exchange's books with Perch's records; `end`: nothing may be open any more. */
	function check(all: CloseRecord[], end: boolean): void {
		report.checks++;
		const byId = new Map(all.map((r) => [r.id, r]));
		const orders = [...handle.state.orders.values()].filter((o) => !foreign.has(o.orderId));
		const executed = new Map<string, number>();
		for (const o of orders) {
			const record = byId.get(o.clientOrderId);
			if (!record) {
				violation(`order ${o.orderId} (client id "${o.clientOrderId}") has no close record`);
				continue;
			}
			const intent = intents.get(record.id);
			if (o.dealSize > 0) executed.set(o.clientOrderId, (executed.get(o.clientOrderId) ?? 0) + 1);
			const side = record.request.positionSide === 'long' ? 3 : 2;
			if (o.side !== side)
				violation(`${o.clientOrderId}: side ${o.side} closes a ${record.request.positionSide}`);
			if (o.type !== 'market') violation(`${o.clientOrderId}: a ${o.type} order`);
			if (String(o.size) !== record.request.size)
				violation(`${o.clientOrderId}: sent ${o.size}, recorded ${record.request.size}`);
			if (intent && o.size > Number(intent.plan.size))
				violation(`${o.clientOrderId}: ${o.size} is more than the confirmed ${intent.plan.size}`);
			if (o.dealSize > o.size) violation(`${o.clientOrderId}: filled ${o.dealSize} of ${o.size}`);
			if (intent && Number(intent.plan.size) > Number(intent.seenSize))
				violation(
					`${o.clientOrderId}: confirmed ${intent.plan.size} of a ${intent.seenSize} position`
				);
			if (
				record.state === 'confirmed' &&
				record.order &&
				record.order.filledSize !== String(o.dealSize)
			)
				violation(
					`${o.clientOrderId}: recorded filled ${record.order.filledSize}, executed ${o.dealSize}`
				);
		}
		const ordersById = groupBy(orders, (o) => o.clientOrderId);
		const submitsById = groupBy(submits, (s) => s.clientOrderId);
		const perIntent = new Map<number, number>();
		for (const [id, count] of executed) {
			if (count > 1) violation(`${id} executed ${count} times`);
			const intent = intents.get(id);
			if (intent) perIntent.set(intent.index, (perIntent.get(intent.index) ?? 0) + count);
		}
		for (const [index, count] of perIntent) {
			if (count > 1) violation(`intent #${index} executed ${count} orders`);
		}
		const held = new Set(
			sim.faults.heldRequests().map((r) => String(r.params.client_order_id ?? ''))
		);
		for (const record of all) {
			const intent = intents.get(record.id);
			if (!intent) {
				violation(`record ${record.id} belongs to no intent the campaign confirmed`);
			} else {
				const { plan } = intent;
				if (
					record.request.size !== plan.size ||
					record.request.orderSide !== plan.side ||
					record.request.positionSide !== plan.positionSide ||
					record.request.symbol !== plan.symbol
				) {
					violation(
						`${record.id}: recorded ${JSON.stringify(record.request)}, confirmed ${JSON.stringify(plan)}`
					);
				}
			}
			const sameId = ordersById.get(record.id) ?? [];
			const filled = sameId.filter((o) => o.dealSize > 0);
			if (record.state === 'confirmed' && filled.length !== 1)
				violation(`${record.id} confirmed, but the exchange executed ${filled.length} orders`);
			if (record.state === 'rejected' && filled.length > 0)
				violation(`${record.id} rejected, but the exchange executed it`);
			if (record.state === 'not-placed' && sameId.length > 0) {
				const o = sameId[0];
				violation(
					`${record.id} not placed, but the exchange has order ${o.orderId} (filled ${o.dealSize}/${o.size}, ` +
						`created ${o.createdAt - record.signedAt!} ms after the signature, record final at ${record.updatedAt}; ` +
						`submits ${JSON.stringify((submitsById.get(record.id) ?? []).map((s) => [s.code, s.dropped, Math.round(s.ms)]))}, held ${held.has(record.id)})`
				);
			}
			if (end && !isFinalClose(record)) violation(`${record.id} still ${record.state} at the end`);
			const first = firstFinal.get(record.id);
			if (first && first !== record.state)
				violation(`${record.id} was final ${first}, later ${record.state}: a final answer changed`);
			const said = answered.get(record.id);
			if (said && said !== record.state)
				violation(`${record.id}: the gate answered ${said}, the record says ${record.state}`);
			// One intent, one content; a second send only after a timestamp rejection.
			const sent = submitsById.get(record.id) ?? [];
			if (sent.length > 2) violation(`${record.id} sent ${sent.length} times`);
			if (sent.some((s) => s.body !== sent[0].body)) violation(`${record.id} re-sent changed`);
			for (const s of sent.slice(0, -1)) {
				if (s.code !== 30007 || s.dropped)
					violation(`${record.id} re-sent after code ${s.code}${s.dropped ? ' (reply lost)' : ''}`);
			}
		}
	}

	/** Waits for an intent's record to be final; moves every clock past the window if it must. */
	async function resolve(id: string, page: () => Page, budgetMs = 6000): Promise<CloseRecord> {
		const end = performance.now() + budgetMs;
		let quietSince = performance.now();
		for (;;) {
			const record = await getClose(page().db, id);
			if (record && isFinalClose(record)) {
				if (!firstFinal.has(id)) firstFinal.set(id, record.state);
				return record;
			}
			if (performance.now() > end) return record!;
			// Unknown for a while: let the window pass (sometimes while a request is still held,
			// which the exchange must then refuse as too old).
			const held = sim.faults.heldRequests().length > 0;
			if (performance.now() - quietSince > 150 && (!held || timingRng.chance(0.3))) {
				virt += WINDOW_STEP_MS;
				report.windowAdvances++;
				quietSince = performance.now();
			}
			await sleep(20);
		}
	}

	/** How the live position, as the session holds it, plans differently from the confirmed plan. */
	function differsFromPlan(page: Page, plan: ClosePlan, fraction: number): string | null {
		const live = page.session.positions.find(
			(p) => p.symbol === plan.symbol && p.side === plan.positionSide
		);
		if (!live) return 'the position gone';
		const instrument = page.session.instruments[plan.symbol];
		if (!instrument) return null;
		const again = planClose({
			position: live,
			instrument,
			fraction,
			rules: sizeRulesOf(instrument.venue)
		});
		if (!again.ok) return `a position the planner refuses (${again.reason})`;
		return again.order.size !== plan.size
			? `a close of ${again.order.size}, not ${plan.size}`
			: null;
	}

	function classifyRefusal(reason: string): string {
		if (/stream is not live|not connected/i.test(reason)) return 'stream-not-live';
		if (/changed since you confirmed/.test(reason)) return 'position-changed';
		if (/no longer open/.test(reason)) return 'position-gone';
		if (/still being checked|already being sent|Another Perch tab/.test(reason)) return 'locked';
		if (/account is locked|Not connected/.test(reason)) return 'account-locked';
		if (/below|above|must be/.test(reason)) return 'planner';
		return `other: ${reason}`;
	}

	sim.start();
	let page = await openPage();
	try {
		for (let index = 0; report.intents < options.intents; index++) {
			// A person reads the screen between two closes: seconds pass for every clock. (Without
			// it the campaign's socket drops, seconds apart in real time, would look like a server
			// that never stays up, and the stream's reconnect backoff would rightly grow to 30 s.)
			virt += rng.int(1_000, 15_000);
			topUpPositions();
			const tReady = performance.now();
			if (!(await ready(page))) {
				log(
					`#${index}: view not settled (status ${JSON.stringify(page.session.status)}, error ${page.session.error}, ` +
						`exchange ahead ${exchangeAhead}, device ${deviceStep}, virt ${virt}); going on`
				);
			}
			const readyMs = performance.now() - tReady;
			// In a fixed order, so the same seed picks the same positions whatever order pushes came in.
			const view = [...page.session.positions].sort((a, b) => viewKey(a).localeCompare(viewKey(b)));
			if (view.length === 0) continue;
			const position: Position = view[rng.int(0, view.length - 1)];
			const fraction = FRACTIONS[rng.int(0, FRACTIONS.length - 1)];
			const preview = page.session.previewClose(position.symbol, position.side, fraction);
			if (!preview.ok) {
				report.previewRefused++;
				continue;
			}
			report.intents++;
			const intent: Intent = {
				index,
				plan: preview.plan,
				fraction,
				seenSize: position.size,
				faults: []
			};
			currentFaults = intent.faults;
			const plan = preview.plan;
			const size = Number(position.size);

			// Draw this intent's faults.
			const f = {
				drop: rng.chance(0.1) ? (rng.chance(0.5) ? 'before' : 'during') : null,
				hold: rng.chance(0.12),
				slowReply: rng.chance(0.08),
				lost: rng.chance(0.1),
				reload: rng.chance(0.08),
				device: rng.chance(0.06),
				exchange: rng.chance(0.06),
				limit: rng.chance(0.05),
				stamp: rng.chance(0.07) ? (rng.chance(0.2) ? 2 : 1) : 0,
				dup: rng.chance(0.1),
				omit: rng.chance(0.2),
				change: rng.chance(0.12) ? (['seen', 'race', 'at-exchange'] as const)[rng.int(0, 2)] : null,
				grow: rng.chance(0.5)
			};
			if (f.reload && rng.chance(0.5)) f.hold = true;
			const holdMs = SUBMIT_TIMEOUT_MS + rng.int(20, 300);
			const slowMs = SUBMIT_TIMEOUT_MS + rng.int(20, 250);
			const reloadAfterMs = rng.int(0, 40);
			const dropAfterMs = rng.int(0, 15);
			const changeBy = f.grow ? rng.int(1, 40) : size > 1 ? rng.int(1, size - 1) : 0;

			if (f.device) {
				deviceStep = deviceStep !== 0 ? 0 : rng.chance(0.5) ? HOUR_MS : -HOUR_MS;
				report.faults['device-clock-step']++;
				intent.faults.push('device-clock-step');
			}
			if (f.exchange) {
				exchangeAhead += rng.int(61_000, 120_000);
				report.faults['exchange-clock-step']++;
				intent.faults.push('exchange-clock-step');
			}
			if (f.hold) sim.faults.holdNext('submit-order', holdMs);
			if (f.lost) sim.faults.dropNextResponse('submit-order');
			if (f.limit) sim.faults.rejectNext('submit-order', 30013);
			for (let i = 0; i < f.stamp; i++) sim.faults.rejectNext('submit-order', 30007);
			// Slow on the way back only: the order executes on time, its answer comes too late.
			if (f.slowReply) beforeSubmit.push(() => sim.faults.delayResponses(slowMs));
			if (f.dup) {
				sim.faults.duplicatePositionPushes(true);
				countPositionFrames = true;
				positionFrames = 0;
			}
			if (f.omit) sim.faults.omitClosedPositions(true);
			const positionsBefore = handle.positions().length;

			afterSubmit = (seen) => {
				afterSubmit = null;
				if (f.slowReply) sim.faults.delayResponses(0);
				if (f.slowReply && !f.hold && seen.ms > SUBMIT_TIMEOUT_MS) {
					report.faults['late-reply']++;
					intent.faults.push('late-reply');
				}
			};
			const changeSide = (
				f.grow ? (plan.positionSide === 'long' ? 1 : 4) : plan.positionSide === 'long' ? 3 : 2
			) as 1 | 2 | 3 | 4;
			let changed = false;
			if (f.change && changeBy > 0) {
				if (f.change === 'at-exchange') {
					// The position moves while the request is on its way: just before it executes.
					beforeSubmit.push(() => (changed = trade(plan.symbol, changeSide, changeBy)));
				} else {
					changed = trade(plan.symbol, changeSide, changeBy);
					if (f.change === 'seen') await ready(page, 1500);
				}
			}
			if (f.drop === 'before' && sim.connections().private > 0) {
				sim.faults.dropConnections('private');
				report.faults['socket-drop']++;
				intent.faults.push('socket-drop');
			}

			// What the user's screen shows now: a change the session already holds must be refused.
			const shownChange = differsFromPlan(page, plan, fraction);
			const closing = page.session.closePosition(plan, fraction);
			if (f.drop === 'during') {
				await sleep(dropAfterMs);
				if (sim.connections().private > 0) {
					sim.faults.dropConnections('private');
					report.faults['socket-drop']++;
					intent.faults.push('socket-drop');
				}
			}
			let reloaded = false;
			if (f.reload) {
				await sleep(reloadAfterMs);
				killPage(page);
				page = await openPage();
				reloaded = true;
				report.faults.reload++;
				intent.faults.push('reload');
			}
			const result = await closing;
			const closeMs = performance.now() - tReady - readyMs;
			intent.first = result.status;
			beforeSubmit = [];
			sim.faults.disarm();

			if (changed) {
				report.faults['position-change']++;
				intent.faults.push('position-change');
			}
			if (f.hold && sim.faults.heldRequests().length > 0) {
				report.faults['late-execution']++;
				intent.faults.push('late-execution');
			}

			// Which record this intent wrote (a reload loses the first page's answer).
			const all = await records(page);
			const fresh = all.filter((r) => !known.has(r.id));
			for (const r of fresh) known.add(r.id);
			if (fresh.length > 1) violation(`intent #${index} wrote ${fresh.length} records`);
			if (fresh.length === 1) {
				intent.id = fresh[0].id;
				intents.set(fresh[0].id, intent);
			}
			if (shownChange && result.status !== 'refused') {
				violation(
					`intent #${index}: the session showed ${shownChange}, yet the gate answered ${result.status}`
				);
			}
			if (result.status === 'refused') {
				if (fresh.length > 0)
					violation(`intent #${index} refused, yet recorded ${fresh[0].id}: ${result.reason}`);
				if (!reloaded) bump(report.outcomes, `refused:${classifyRefusal(result.reason)}`);
				else if (fresh.length === 0) bump(report.outcomes, 'refused:reloaded-before-recording');
			} else if (fresh.length === 0) {
				violation(`intent #${index} answered ${result.status} with no record`);
			}

			let final: CloseRecord | undefined;
			if (intent.id) {
				final = await resolve(intent.id, () => page);
				if (!isFinalClose(final)) report.openAfterIntent++;
				const state = !isFinalClose(final)
					? `open:${final.state}`
					: final.state === 'confirmed'
						? 'filled'
						: final.state === 'rejected'
							? `rejected:${final.outcome?.errorCode ?? 'order'}`
							: final.state;
				bump(report.outcomes, state);
				// A final answer to the user must stay what the record (and the exchange) says.
				const said = (
					{ filled: 'confirmed', rejected: 'rejected', 'not-placed': 'not-placed' } as const
				)[result.status as 'filled' | 'rejected' | 'not-placed'];
				if (!reloaded && said) answered.set(final.id, said);
				if (result.status === 'unknown' || reloaded) bump(report.unknownResolved, state);
			}
			if (submits.filter((s) => s.clientOrderId === intent.id).length > 1) report.resends++;
			// Nothing of this intent may still be on its way when the next one starts.
			await until(() => inFlight === 0, 3000);
			afterSubmit = null;
			sim.faults.delayResponses(0);

			if (f.dup) {
				await sleep(30);
				if (positionFrames >= 2) report.faults['duplicate-position-push']++;
				if (positionFrames >= 2) intent.faults.push('duplicate-position-push');
				countPositionFrames = false;
				sim.faults.duplicatePositionPushes(false);
			}
			if (f.omit) {
				if (handle.positions().length < positionsBefore) {
					report.faults['omit-closed-position']++;
					intent.faults.push('omit-closed-position');
				}
				// Let the snapshot that removes the closed position land before the switch goes off.
				await ready(page, 1500);
				sim.faults.omitClosedPositions(false);
			}

			if (intent.faults.includes('socket-drop')) {
				// The stream's reconnect backoff starts afresh only once a connection has stayed up
				// for 10 s (checked every 500 ms); let that pass, or drops seconds apart in real
				// time would rightly push the backoff to 30 s.
				await until(() => page.session.streamLive, 5000);
				virt += 11_000;
				await sleep(550);
			}
			check(await records(page), false);
			log(
				`#${index} ${plan.symbol} ${plan.positionSide} ${plan.size}/${intent.seenSize} ` +
					`ready ${Math.round(readyMs)} close ${Math.round(closeMs)} total ${Math.round(performance.now() - tReady)} ` +
					`{${Object.entries(f)
						.filter(([, v]) => v)
						.map(([k, v]) => (v === true ? k : `${k}=${v}`))
						.join(',')}} ` +
					`(${Math.round(fraction * 100)} %) [${intent.faults.join(' ')}] → ${result.status}` +
					(final
						? ` → ${final.state}${final.outcome?.errorCode ? ` ${final.outcome.errorCode}` : ''}`
						: '')
			);
		}

		// The faults stop: nothing armed, no slow network, held requests land, the window passes.
		sim.faults.disarm();
		sim.faults.delayResponses(0);
		sim.faults.omitClosedPositions(false);
		sim.faults.duplicatePositionPushes(false);
		await until(() => sim.faults.heldRequests().length === 0, 5000);
		virt += WINDOW_STEP_MS;
		report.windowAdvances++;
		const end = performance.now() + 15_000;
		let open = (await records(page)).filter((r) => !isFinalClose(r));
		while (open.length > 0 && performance.now() < end) {
			await sleep(50);
			open = (await records(page)).filter((r) => !isFinalClose(r));
		}
		check(await records(page), true);
	} finally {
		killPage(page);
		sim.stop();
		report.durationMs = performance.now() - started;
	}
	return report;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
	const groups = new Map<string, T[]>();
	for (const item of items) {
		const k = key(item);
		const group = groups.get(k);
		if (group) group.push(item);
		else groups.set(k, [item]);
	}
	return groups;
}

/** The report as the bench and the spec print it. */
export function formatReport(r: CampaignReport): string {
	const table = (t: Record<string, number>) =>
		Object.entries(t)
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([k, v]) => `    ${k.padEnd(34)} ${v}`)
			.join('\n');
	return [
		`close campaign, seed ${r.seed}: ${r.intents} confirmed intents in ${(r.durationMs / 1000).toFixed(1)} s`,
		`  faults that took effect:`,
		table(r.faults),
		`  outcomes (final state of each intent's record, or the refusal):`,
		table(r.outcomes),
		`  answered "unknown" (or reloaded) first, resolved to:`,
		table(r.unknownResolved),
		`  previews the planner refused: ${r.previewRefused}; re-sends after 30007: ${r.resends}; ` +
			`window advances: ${r.windowAdvances}; open after their intent: ${r.openAfterIntent}`,
		`  invariant checks: ${r.checks}; violations: ${r.violations.length}`,
		...r.violations.map((v) => `    ! ${v}`)
	].join('\n');
}
