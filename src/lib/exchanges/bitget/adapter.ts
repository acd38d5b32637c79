/**
 * The Bitget V2 USDT-M futures adapter: REST for reference data, server time and the signed
 * account calls; one reconnecting public socket per market stream and one logged-in socket per
 * account stream, every socket behind the 10-messages-a-second queue.
 */

import {
	ExchangeError,
	type AccountStream,
	type Endpoints,
	type ExchangeAdapter,
	type FundingRatePoint,
	type Instrument,
	type MarketStream,
	type ServerTime
} from '$lib/exchanges/types';
import { ServerClock } from '$lib/net/clock';
import { ReconnectingSocket } from '$lib/net/socket';
import type { SocketFactory, SocketLike } from '$lib/net/types';
import { asArray, asObject, reqNumber } from '../bitmart/fields';
import { BitgetAccountApi, toBitgetCredentials } from './account-api';
import { BitgetAccountStream } from './account-stream';
import { newClientOrderId } from './client-order-id';
import { checkSocketLogin } from './login-check';
import { BITGET_LEDGER_PAGING, BitgetLedgerApi } from './ledger';
import { BitgetMarketStream } from './market-stream';
import { PRODUCT_TYPE, normalizeContract, normalizeFundingPoint } from './normalize';
import { BitgetRest } from './rest';
import { bitgetPrivateProtocol, bitgetPublicProtocol } from './stream';
import { BITGET_LIMITS, throttledFactory, type ThrottleLimits } from './throttle';

export interface BitgetAdapterOptions {
	endpoints: Endpoints;
	/** The preset's headers (`paptrading: 1` for demo trading). */
	headers?: Readonly<Record<string, string>>;
	fetch?: typeof fetch;
	/** Defaults to the browser's WebSocket. */
	socketFactory?: SocketFactory;
	watchEnvironment?: boolean;
	/** The device's wall clock, Unix ms. Injectable for tests. */
	now?: () => number;
	/** The clock intervals and timeouts are measured on (default performance.now). */
	monotonicNow?: () => number;
	/** The socket send limits (tests shorten them). */
	limits?: ThrottleLimits;
}

export interface BitgetAdapter extends ExchangeAdapter {
	readonly clock: ServerClock;
	readonly rest: BitgetRest;
}

export const PATH_TIME = '/api/v2/public/time';
export const PATH_CONTRACTS = '/api/v2/mix/market/contracts';
export const PATH_FUNDING_HISTORY = '/api/v2/mix/market/history-fund-rate';

export function createBitgetAdapter(opts: BitgetAdapterOptions): BitgetAdapter {
	const now = opts.now ?? (() => Date.now());
	const monotonicNow = opts.monotonicNow ?? (() => performance.now());
	const clock = new ServerClock({ now, monotonicNow });
	const rest = new BitgetRest({
		baseUrl: opts.endpoints.rest,
		fetch: opts.fetch,
		clock,
		headers: opts.headers
	});
	const baseFactory: SocketFactory =
		opts.socketFactory ?? ((url) => new WebSocket(url) as SocketLike);
	const factory = throttledFactory(baseFactory, opts.limits ?? BITGET_LIMITS, monotonicNow);
	let contracts: Promise<Instrument[]> | null = null;

	async function instruments(): Promise<Instrument[]> {
		const data = await rest.publicGet(PATH_CONTRACTS, { productType: PRODUCT_TYPE });
		const list = rest.read(PATH_CONTRACTS, () => asArray(data, 'contracts').map(normalizeContract));
		contracts = Promise.resolve(list);
		return list;
	}

	async function anySymbol(): Promise<string | undefined> {
		contracts ??= instruments();
		try {
			return (await contracts)[0]?.symbol;
		} catch (error) {
			contracts = null;
			throw error;
		}
	}

	const account = new BitgetAccountApi(rest, anySymbol, now);
	const ledger = new BitgetLedgerApi(rest);

	async function serverTime(): Promise<ServerTime> {
		// Round trip on the monotonic clock: a wall-clock step mid-request must not skew it.
		const sentAt = monotonicNow();
		const data = await rest.publicGet(PATH_TIME);
		const receivedAt = monotonicNow();
		const serverMs = rest.read(PATH_TIME, () => reqNumber(asObject(data, 'data'), 'serverTime'));
		clock.addSample(sentAt, serverMs, receivedAt);
		return {
			offsetMs: clock.offsetMs,
			rttMs: clock.rttMs ?? receivedAt - sentAt,
			measuredAt: now()
		};
	}

	async function fundingHistory(symbol: string, limit = 100): Promise<FundingRatePoint[]> {
		const data = await rest.publicGet(PATH_FUNDING_HISTORY, {
			symbol,
			productType: PRODUCT_TYPE,
			pageSize: Math.max(1, Math.min(100, Math.floor(limit)))
		});
		const points = rest.read(PATH_FUNDING_HISTORY, () =>
			asArray(data, 'funding history').map(normalizeFundingPoint)
		);
		return points.sort((a, b) => a.time - b.time);
	}

	function loginCheck(creds: Parameters<ExchangeAdapter['validateKey']>[0]): Promise<void> {
		return checkSocketLogin(
			opts.endpoints.privateWs,
			toBitgetCredentials(creds),
			() => clock.now(),
			baseFactory
		);
	}

	return {
		venue: 'bitget',
		endpoints: opts.endpoints,
		clock,
		rest,
		instruments,
		serverTime,
		fundingHistory,
		openMarketStream(): MarketStream {
			const socket = new ReconnectingSocket({
				url: opts.endpoints.publicWs,
				protocol: bitgetPublicProtocol(),
				factory,
				watchEnvironment: opts.watchEnvironment,
				now,
				monotonicNow,
				name: 'bitget market',
				label: 'The market stream'
			});
			return new BitgetMarketStream(socket);
		},
		/**
		 * The signed REST read proves key, secret, passphrase, clock and environment (40099); the
		 * socket login proves the private stream will log in. Bitget's REST code for a wrong
		 * passphrase also fits a wrong key, so the login, which tells them apart, names it.
		 */
		async validateKey(creds) {
			try {
				await account.validateKey(creds);
			} catch (error) {
				if (error instanceof ExchangeError && error.kind === 'auth' && error.code !== '40099') {
					await loginCheck(creds).catch((loginError: unknown) => {
						if (loginError instanceof ExchangeError && loginError.kind !== 'network') {
							throw loginError;
						}
					});
				}
				throw error;
			}
			await loginCheck(creds);
		},
		accountSnapshot: (creds) => account.snapshot(creds),
		openAccountStream(creds): AccountStream {
			const protocol = bitgetPrivateProtocol(toBitgetCredentials(creds), clock);
			const signLogin = protocol.loginFrame!;
			let connects = 0;
			// Signed afresh with the server's time on every (re)connect, measured again first on a
			// reconnect: the estimate may have gone stale meanwhile (a device that slept), and a
			// login more than 30 s off is refused (30014), which ends the stream.
			protocol.loginFrame = async () => {
				if (connects++ > 0) await serverTime().catch(() => undefined);
				return signLogin();
			};
			const socket = new ReconnectingSocket({
				url: opts.endpoints.privateWs,
				protocol,
				factory,
				watchEnvironment: opts.watchEnvironment,
				now,
				monotonicNow,
				name: 'bitget account',
				label: 'The private stream'
			});
			return new BitgetAccountStream(socket, creds.accountId, now);
		},
		serverNow: () => clock.now(),
		// Docs: a request's timestamp must be within 30 seconds of the server's time.
		acceptanceWindowMs: 30_000,
		newClientOrderId,
		submitClose: (creds, req, options) => account.submitClose(creds, req, options),
		findOrder: (creds, symbol, clientOrderId) => account.findOrder(creds, symbol, clientOrderId),
		fillSummary: (creds, symbol, orderId) => account.fillSummary(creds, symbol, orderId),
		cancelOrder: (creds, symbol, orderId) => account.cancelOrder(creds, symbol, orderId),
		cancelAllOrders: (creds, symbol) => account.cancelAllOrders(creds, symbol),
		flashClose: (creds, target) => account.flashClose(creds, target),
		ledgerPaging: BITGET_LEDGER_PAGING,
		ledgerPage: (creds, window) => ledger.entries(creds, window),
		fillsPage: (creds, window) => ledger.fills(creds, window)
	};
}
