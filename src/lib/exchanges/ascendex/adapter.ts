/**
 * The AscendEX futures adapter (Pro API v2), WebSocket first: one authenticated socket per
 * account carries the account snapshot, its pushes, closes, cancels and open orders; REST serves
 * public reference data, server time, the account-group lookup and the order history that
 * reconciliation reads. Closes never go over REST.
 */

import {
	type AccountCredentials,
	type AccountSnapshot,
	type AccountStream,
	type Endpoints,
	type ExchangeAdapter,
	type KeyFacts,
	type MarketStream,
	type Order,
	type ServerTime
} from '$lib/exchanges/types';
import { ServerClock } from '$lib/net/clock';
import { ReconnectingSocket } from '$lib/net/socket';
import type { SocketFactory } from '$lib/net/types';
import { AscendexAccountStream } from './account-stream';
import { AscendexConnection } from './connection';
import { badResponse } from './errors';
import { FundingRecorder } from './funding-recorder';
import { KEY_FORM_FIELD, KeyForms, type KeyForm } from './key-forms';
import { ASCENDEX_LEDGER_PAGING, AscendexLedgerApi } from './ledger';
import { AscendexMarketStream } from './market-stream';
import { normalizeRestOrder } from './normalize';
import {
	cancelAllFrame,
	cancelOrderFrame,
	matchesClose,
	newClientOrderId,
	placeCloseFrame,
	type OrderShape
} from './orders';
import { AscendexRest } from './rest';
import { ascendexProtocol, requestId } from './stream';

/** The learned-map entry that keeps the account group with the account. */
export const ACCOUNT_GROUP_FIELD = 'accountGroup';
/** How long a call waits for the private socket to be logged in. */
const LIVE_TIMEOUT_MS = 10_000;
/** How long a place-order waits for its ACK: the gate's own timeout usually ends it first. */
const ACK_TIMEOUT_MS = 10_000;

export interface AscendexAdapterOptions {
	endpoints: Endpoints;
	fetch?: typeof fetch;
	socketFactory?: SocketFactory;
	watchEnvironment?: boolean;
	now?: () => number;
	monotonicNow?: () => number;
}

export interface AscendexAdapter extends ExchangeAdapter {
	readonly clock: ServerClock;
}

/** Funding points recorded per REST base, so every adapter of one venue host shares them. */
const recorders = new Map<string, FundingRecorder>();

export function createAscendexAdapter(opts: AscendexAdapterOptions): AscendexAdapter {
	const now = opts.now ?? (() => Date.now());
	const monotonicNow = opts.monotonicNow ?? (() => performance.now());
	const clock = new ServerClock({ now, monotonicNow });
	const rest = new AscendexRest({ baseUrl: opts.endpoints.rest, fetch: opts.fetch });
	const keyForms = new KeyForms();
	const groups = new Map<string, Promise<number>>();
	const connections = new Map<string, AscendexConnection>();
	let recorder = recorders.get(opts.endpoints.rest);
	if (!recorder) recorders.set(opts.endpoints.rest, (recorder = new FundingRecorder()));
	const fundingRecorder = recorder;

	async function serverTime(): Promise<ServerTime> {
		const sentAt = monotonicNow();
		const serverTime = await rest.serverTime(Math.round(now()));
		const receivedAt = monotonicNow();
		clock.addSample(sentAt, serverTime, receivedAt);
		return {
			offsetMs: clock.offsetMs,
			rttMs: clock.rttMs ?? receivedAt - sentAt,
			measuredAt: now()
		};
	}

	function signed(creds: AccountCredentials, key: CryptoKey) {
		return { apiKey: creds.apiKey, key, timestamp: Math.round(clock.now()) };
	}

	/** The account group: learned when the key was added, else looked up once. */
	function groupOf(creds: AccountCredentials): Promise<number> {
		const learned = Number(creds.learned?.[ACCOUNT_GROUP_FIELD]);
		if (creds.learned?.[ACCOUNT_GROUP_FIELD] !== undefined && Number.isInteger(learned)) {
			return Promise.resolve(learned);
		}
		let group = groups.get(creds.accountId);
		if (!group) {
			group = keyForms
				.run(creds, (key) => rest.accountInfo(signed(creds, key)))
				.then((info) => info.accountGroup);
			group.catch(() => groups.delete(creds.accountId));
			groups.set(creds.accountId, group);
		}
		return group;
	}

	const ledger = new AscendexLedgerApi({
		rest,
		group: groupOf,
		signed: (creds, call) => keyForms.run(creds, (key) => call(signed(creds, key))),
		now: () => clock.now()
	});

	function connection(creds: AccountCredentials): AscendexConnection {
		let conn = connections.get(creds.accountId);
		if (!conn) {
			conn = new AscendexConnection({
				creds,
				privateWs: opts.endpoints.privateWs,
				group: () => groupOf(creds),
				clock,
				keyForms,
				factory: opts.socketFactory,
				watchEnvironment: opts.watchEnvironment,
				now,
				monotonicNow,
				remeasure: serverTime
			});
			connections.set(creds.accountId, conn);
		}
		conn.acquire();
		return conn;
	}

	function release(creds: AccountCredentials, conn: AscendexConnection): void {
		if (conn.release() && connections.get(creds.accountId) === conn) {
			connections.delete(creds.accountId);
		}
	}

	/** Runs `use` on the account's live connection, opened for the call when no stream holds it. */
	async function withConnection<T>(
		creds: AccountCredentials,
		use: (conn: AscendexConnection) => Promise<T>,
		signal?: AbortSignal
	): Promise<T> {
		const conn = connection(creds);
		try {
			await conn.whenLive(LIVE_TIMEOUT_MS, signal);
			return await use(conn);
		} finally {
			release(creds, conn);
		}
	}

	async function openOrders(conn: AscendexConnection, symbol?: string): Promise<unknown> {
		return conn.request({
			op: 'req',
			action: 'futures-open-orders',
			args: symbol ? { symbol } : {}
		});
	}

	async function findOrder(
		creds: AccountCredentials,
		symbol: string,
		clientOrderId: string,
		expected?: { side: 'buy' | 'sell'; size: string; reduceOnly: boolean }
	): Promise<Order | null> {
		const shape: OrderShape | Pick<OrderShape, 'symbol'> = expected
			? { symbol, ...expected }
			: { symbol };
		return withConnection(creds, async (conn) => {
			conn.frames.track(clientOrderId);
			const open = (await openOrders(conn, symbol)) as { data?: unknown };
			const candidates: Order[] = [];
			for (const row of Array.isArray(open.data) ? open.data : []) {
				candidates.push(normalizeRestOrder(row, creds.accountId));
			}
			const group = await groupOf(creds);
			const history = await keyForms.run(creds, (key) =>
				rest.currentOrderHistory(group, symbol, signed(creds, key))
			);
			for (const row of history) candidates.push(normalizeRestOrder(row, creds.accountId));
			const found = candidates.find((o) => matchesClose(o, clientOrderId, shape));
			return found ? { ...found, clientOrderId } : null;
		});
	}

	return {
		venue: 'ascendex',
		endpoints: opts.endpoints,
		clock,
		instruments: () => rest.contracts(),
		serverTime,
		// No funding-rate history endpoint exists: what the pricing stream showed while watched.
		fundingHistory: (symbol, limit) => Promise.resolve(fundingRecorder.history(symbol, limit)),
		openMarketStream(): MarketStream {
			const socket = new ReconnectingSocket({
				url: opts.endpoints.publicWs,
				protocol: ascendexProtocol(),
				factory: opts.socketFactory,
				watchEnvironment: opts.watchEnvironment,
				now,
				monotonicNow,
				name: 'ascendex market',
				label: 'The market stream'
			});
			return new AscendexMarketStream(socket, rest, fundingRecorder, now);
		},
		async validateKey(creds): Promise<KeyFacts> {
			let form: KeyForm = 'raw';
			const info = await keyForms.run(creds, (key, f) => {
				form = f;
				return rest.accountInfo(signed(creds, key));
			});
			return {
				learned: { [ACCOUNT_GROUP_FIELD]: String(info.accountGroup), [KEY_FORM_FIELD]: form },
				keyExpiresAt: info.expireTime
			};
		},
		accountSnapshot: (creds): Promise<AccountSnapshot> =>
			withConnection(creds, async (conn) => {
				const account = await conn.request({ op: 'req', action: 'futures-account-snapshot' });
				const orders = await openOrders(conn);
				try {
					return conn.frames.snapshot(account, orders);
				} catch (error) {
					throw badResponse('the account snapshot', error);
				}
			}),
		openAccountStream(creds): AccountStream {
			const conn = connection(creds);
			return new AscendexAccountStream(conn, () => release(creds, conn));
		},
		serverNow: () => clock.now(),
		// Docs: a request whose `time` is more than 30 s old is not processed.
		acceptanceWindowMs: 30_000,
		newClientOrderId,
		submitClose: (creds, req, options) =>
			withConnection(
				creds,
				async (conn) => {
					const frame = placeCloseFrame(req, Math.round(options?.timestamp ?? clock.now()));
					// Recognise its order frames as this intent's before any can arrive.
					conn.frames.track(req.clientOrderId);
					const reply = await abortable(conn.request(frame, ACK_TIMEOUT_MS), options?.signal);
					const info = reply.info as { orderId?: unknown } | undefined;
					const orderId = typeof info?.orderId === 'string' ? info.orderId : undefined;
					return { orderId, clientOrderId: req.clientOrderId };
				},
				options?.signal
			),
		findOrder,
		// The docs give no realized PnL per order: the close is final without a summary.
		fillSummary: () => Promise.resolve(null),
		ledgerPaging: ASCENDEX_LEDGER_PAGING,
		ledgerPage: (creds, window) => ledger.entries(creds, window),
		cancelOrder: (creds, symbol, orderId) =>
			withConnection(creds, async (conn) => {
				await conn.request(
					cancelOrderFrame(requestId('c'), symbol, orderId, Math.round(clock.now()))
				);
			}),
		cancelAllOrders: (creds, symbol) =>
			withConnection(creds, async (conn) => {
				await conn.request(cancelAllFrame(requestId('c'), symbol));
			})
	};
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
	if (!signal) return promise;
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(new Error('The close got no answer in time.'));
		if (signal.aborted) onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}
