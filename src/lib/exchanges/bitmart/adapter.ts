/**
 * The BitMart Futures V2 adapter: REST for reference data, server time and the signed account
 * calls; one reconnecting public socket per market stream and one logged-in socket per account
 * stream. The Demo venue reuses it with its own endpoints and sockets.
 */

import type {
	AccountStream,
	Endpoints,
	ExchangeAdapter,
	MarketStream,
	ServerTime,
	VenueId
} from '$lib/exchanges/types';
import { ServerClock } from '$lib/net/clock';
import { ReconnectingSocket } from '$lib/net/socket';
import type { SocketFactory, SocketLike } from '$lib/net/types';
import { BitmartAccountApi, toBitmartCredentials } from './account-api';
import { BitmartAccountStream } from './account-stream';
import { newClientOrderId } from './client-order-id';
import { BITMART_LEDGER_PAGING, BitmartLedgerApi } from './ledger';
import { checkSocketLogin } from './login-check';
import { BitmartMarketStream } from './market-stream';
import { BitmartRest } from './rest';
import { bitmartPrivateProtocol, bitmartPublicProtocol } from './stream';

export interface BitmartAdapterOptions {
	endpoints: Endpoints;
	venue?: VenueId;
	fetch?: typeof fetch;
	/** Defaults to the browser's WebSocket. */
	socketFactory?: SocketFactory;
	/**
	 * Follow the browser's online/offline and visibility events (default true). The Demo venue's
	 * in-page socket needs no network, so it turns this off and keeps working offline.
	 */
	watchEnvironment?: boolean;
	/** The device's wall clock, Unix ms: for times shown or stored. Injectable for tests. */
	now?: () => number;
	/** The clock intervals and timeouts are measured on (default performance.now). */
	monotonicNow?: () => number;
}

/** The adapter, plus the clock and REST client the account calls sign with. */
export interface BitmartAdapter extends ExchangeAdapter {
	readonly clock: ServerClock;
	readonly rest: BitmartRest;
}

export function createBitmartAdapter(opts: BitmartAdapterOptions): BitmartAdapter {
	const venue = opts.venue ?? 'bitmart';
	const now = opts.now ?? (() => Date.now());
	const monotonicNow = opts.monotonicNow ?? (() => performance.now());
	const clock = new ServerClock({ now, monotonicNow });
	const rest = new BitmartRest({ baseUrl: opts.endpoints.rest, fetch: opts.fetch, clock, venue });
	const account = new BitmartAccountApi(rest, opts.endpoints.rest, now);
	const ledger = new BitmartLedgerApi(rest, opts.endpoints.rest);

	async function serverTime(): Promise<ServerTime> {
		// The round trip is timed on the monotonic clock: a wall-clock step mid-request must
		// not skew the sample. Only the time of the measurement is shown, so it is wall time.
		const sentAt = monotonicNow();
		const serverTime = await rest.systemTime();
		const receivedAt = monotonicNow();
		clock.addSample(sentAt, serverTime, receivedAt);
		return {
			offsetMs: clock.offsetMs,
			rttMs: clock.rttMs ?? receivedAt - sentAt,
			measuredAt: now()
		};
	}

	return {
		venue,
		endpoints: opts.endpoints,
		clock,
		rest,
		instruments: () => rest.contractDetails(),
		serverTime,
		fundingHistory: (symbol, limit) => rest.fundingRateHistory(symbol, limit),
		openMarketStream(): MarketStream {
			const socket = new ReconnectingSocket({
				url: opts.endpoints.publicWs,
				protocol: bitmartPublicProtocol(),
				factory: opts.socketFactory,
				watchEnvironment: opts.watchEnvironment,
				now,
				monotonicNow,
				name: `${venue} market`,
				label: 'The market stream'
			});
			return new BitmartMarketStream(socket, now);
		},
		// The KEYED read proves the key and its read permission; the signed socket login proves
		// the secret and memo, which no KEYED call looks at.
		async validateKey(creds) {
			await account.validateKey(creds);
			const factory = opts.socketFactory ?? ((url) => new WebSocket(url) as SocketLike);
			await checkSocketLogin(opts.endpoints.privateWs, toBitmartCredentials(creds), clock, factory);
		},
		accountSnapshot: (creds) => account.snapshot(creds),
		openAccountStream(creds): AccountStream {
			const protocol = bitmartPrivateProtocol(toBitmartCredentials(creds), clock);
			const signLogin = protocol.loginFrame!;
			let connects = 0;
			// The login is signed afresh with the server's time on every (re)connect, measured
			// again first on a reconnect: the estimate may have gone stale meanwhile (a monotonic
			// clock paused in sleep), and BitMart answers a stale login like a wrong key, which
			// ends the stream for good. The first login uses the sample the caller just took.
			protocol.loginFrame = async () => {
				if (connects++ > 0) await serverTime().catch(() => undefined);
				return signLogin();
			};
			const socket = new ReconnectingSocket({
				url: opts.endpoints.privateWs,
				protocol,
				factory: opts.socketFactory,
				watchEnvironment: opts.watchEnvironment,
				now,
				monotonicNow,
				name: `${venue} account`,
				label: 'The private stream'
			});
			return new BitmartAccountStream(socket, creds.accountId, now);
		},
		serverNow: () => clock.now(),
		// Docs: X-BM-TIMESTAMP must be within a minute of the server's time (else 30007).
		acceptanceWindowMs: 60_000,
		newClientOrderId,
		submitClose: (creds, req, options) => account.submitClose(creds, req, options),
		findOrder: (creds, symbol, clientOrderId) => account.findOrder(creds, symbol, clientOrderId),
		fillSummary: (creds, symbol, orderId) => account.fillSummary(creds, symbol, orderId),
		cancelOrder: (creds, symbol, orderId) => account.cancelOrder(creds, symbol, orderId),
		cancelAllOrders: (creds, symbol) => account.cancelAllOrders(creds, symbol),
		ledgerPaging: BITMART_LEDGER_PAGING,
		ledgerPage: (creds, window) => ledger.entries(creds, window),
		fillsPage: (creds, window) => ledger.fills(creds, window)
	};
}
