/**
 * The signed BitMart calls of one account: snapshot, key check, close, order lookup and cancels.
 * Requests go through `BitmartRest.privateRequest` (signing, envelope, error mapping); this file
 * only knows paths, bodies and how to read the answers.
 */

import {
	ExchangeError,
	type AccountCredentials,
	type AccountSnapshot,
	type CloseOrderRequest,
	type FillSummary,
	type Order,
	type SubmitOptions,
	type SubmittedOrder
} from '$lib/exchanges/types';
import { addDecimals } from '$lib/domain/decimal';
import {
	normalizeAssetRow,
	normalizePositionMode,
	normalizeRestPosition
} from './account-normalize';
import { ORDER_NOT_FOUND_CODES, badResponseError } from './errors';
import { WireFormatError, asArray, asObject, isObject, optString, reqString } from './fields';
import { normalizeRestOrder } from './order-normalize';
import type { BitmartCredentials, BitmartRest, QueryParams } from './rest';

const PATHS = {
	assets: '/contract/private/assets-detail',
	positions: '/contract/private/position-v2',
	openOrders: '/contract/private/get-open-orders',
	positionMode: '/contract/private/get-position-mode',
	orderHistory: '/contract/private/order-history',
	submitOrder: '/contract/private/submit-order',
	cancelOrder: '/contract/private/cancel-order',
	cancelOrders: '/contract/private/cancel-orders',
	trades: '/contract/private/trades'
} as const;

/** Side codes that close: 3 sells a long, 2 buys back a short, in hedge and one-way mode alike. */
const CLOSE_SIDE = { long: 3, short: 2 } as const;

/** The docs: "case-sensitive alphanumerics, all numbers, or all letters of up to 32 characters". */
export const CLIENT_ORDER_ID = /^[A-Za-z0-9]{1,32}$/;

export type CloseOrderBody = {
	symbol: string;
	client_order_id: string;
	side: 2 | 3;
	type: 'market';
	size: number;
	open_type: 'cross' | 'isolated';
};

/**
 * The exact submit-order body for a close. The size must already be a whole number of contracts
 * as a string: it is parsed, never rounded, and anything else is refused before it is sent.
 */
export function closeOrderBody(req: CloseOrderRequest): CloseOrderBody {
	if (!/^[1-9]\d*$/.test(req.size) || !Number.isSafeInteger(Number(req.size))) {
		throw refused(`the size "${req.size}" is not a positive whole number of contracts`);
	}
	if (!CLIENT_ORDER_ID.test(req.clientOrderId)) {
		throw refused('the client order id must be 1–32 letters or digits');
	}
	if (req.positionSide !== 'long' && req.positionSide !== 'short') {
		throw refused(`unknown position side "${String(req.positionSide)}"`);
	}
	if (req.marginMode !== 'cross' && req.marginMode !== 'isolated') {
		throw refused(`unknown margin mode "${String(req.marginMode)}"`);
	}
	return {
		symbol: req.symbol,
		client_order_id: req.clientOrderId,
		side: CLOSE_SIDE[req.positionSide],
		type: 'market',
		size: Number(req.size),
		open_type: req.marginMode
	};
}

/** BitMart's one extra credential is the memo, signed into every request and the socket login. */
export function toBitmartCredentials(creds: AccountCredentials): BitmartCredentials {
	return { apiKey: creds.apiKey, memo: creds.fields.memo ?? '', key: creds.signingKey };
}

export class BitmartAccountApi {
	readonly #rest: BitmartRest;
	readonly #baseUrl: string;
	readonly #now: () => number;

	constructor(rest: BitmartRest, baseUrl: string, now: () => number = Date.now) {
		this.#rest = rest;
		this.#baseUrl = baseUrl;
		this.#now = now;
	}

	/** A read-only call; a refused key, secret, memo or clock surfaces as the mapped ExchangeError. */
	async validateKey(creds: AccountCredentials): Promise<void> {
		const data = await this.#get(creds, PATHS.assets, {});
		this.#read(PATHS.assets, () => asArray(data, 'assets'));
	}

	async snapshot(creds: AccountCredentials): Promise<AccountSnapshot> {
		const [assets, positions, orders, mode] = await Promise.all([
			this.#get(creds, PATHS.assets, {}),
			// Without a symbol the endpoint lists only contracts that hold a position.
			this.#get(creds, PATHS.positions, {}),
			this.#get(creds, PATHS.openOrders, {}),
			this.#get(creds, PATHS.positionMode, {})
		]);
		const fetchedAt = this.#now();
		const id = creds.accountId;
		const positionMode = this.#read(PATHS.positionMode, () => normalizePositionMode(mode));
		return {
			balances: this.#read(PATHS.assets, () =>
				asArray(assets, 'assets').map((row) => normalizeAssetRow(row, id, fetchedAt))
			),
			positions: this.#read(PATHS.positions, () =>
				asArray(positions, 'positions')
					.map((row) => normalizeRestPosition(row, id, positionMode, fetchedAt))
					.filter((p) => p !== null)
			),
			orders: this.#read(PATHS.openOrders, () =>
				asArray(orders, 'orders').map((row) => normalizeRestOrder(row, id))
			),
			positionMode,
			fetchedAt
		};
	}

	async submitClose(
		creds: AccountCredentials,
		req: CloseOrderRequest,
		options: SubmitOptions = {}
	): Promise<SubmittedOrder> {
		const body = closeOrderBody(req);
		const data = await this.#rest.privateRequest<unknown>(
			'POST',
			PATHS.submitOrder,
			{ ...body },
			toBitmartCredentials(creds),
			'signed',
			options
		);
		const orderId = this.#read(PATHS.submitOrder, () =>
			reqString(asObject(data, 'data'), 'order_id')
		);
		return { orderId, clientOrderId: req.clientOrderId };
	}

	/**
	 * Order detail takes only `order_id`, so the client id is looked up among the open orders, then
	 * in the order history (which accepts `client_order_id` since 2025-08-11). Open orders first: an
	 * order that finishes between the two calls is then still found in the history. Rows are
	 * matched here too, in case a server ignores the filter.
	 */
	async findOrder(
		creds: AccountCredentials,
		symbol: string,
		clientOrderId: string
	): Promise<Order | null> {
		const open = await this.#lookup(creds, PATHS.openOrders, { symbol }, clientOrderId);
		if (open) return open;
		const params = { symbol, client_order_id: clientOrderId };
		return this.#lookup(creds, PATHS.orderHistory, params, clientOrderId);
	}

	/** Sums realised_profit and paid_fees of the order's rows in GET /contract/private/trades. */
	async fillSummary(
		creds: AccountCredentials,
		symbol: string,
		orderId: string
	): Promise<FillSummary | null> {
		const data = await this.#get(creds, PATHS.trades, { symbol });
		if (data === null || data === undefined) return null;
		return this.#read(PATHS.trades, () => {
			const rows = asArray(data, 'trades').filter(
				(row) => isObject(row) && String(row.order_id) === orderId
			);
			if (rows.length === 0) return null;
			let realizedPnl = '0';
			let fees = '0';
			for (const row of rows) {
				const r = asObject(row, 'trade');
				realizedPnl = addDecimals(realizedPnl, reqString(r, 'realised_profit'));
				fees = addDecimals(fees, reqString(r, 'paid_fees'));
			}
			return { fills: rows.length, realizedPnl, fees };
		});
	}

	async cancelOrder(creds: AccountCredentials, symbol: string, orderId: string): Promise<void> {
		await this.#post(creds, PATHS.cancelOrder, { symbol, order_id: orderId });
	}

	async cancelAllOrders(creds: AccountCredentials, symbol: string): Promise<void> {
		await this.#post(creds, PATHS.cancelOrders, { symbol });
	}

	/** The newest order with this client id in one listing; null when the venue says "no such order". */
	async #lookup(
		creds: AccountCredentials,
		path: string,
		params: QueryParams,
		clientOrderId: string
	): Promise<Order | null> {
		let data: unknown;
		try {
			data = await this.#get(creds, path, params);
		} catch (error) {
			if (isOrderNotFound(error)) return null;
			throw error;
		}
		// A lookup with nothing to report may come back as null rather than [].
		if (data === null || data === undefined) return null;
		// Only rows with this client id are read: an odd row elsewhere must not fail the lookup.
		const orders = this.#read(path, () =>
			asArray(data, 'orders')
				.filter((row) => isObject(row) && optString(row, 'client_order_id') === clientOrderId)
				.map((row) => normalizeRestOrder(row, creds.accountId))
		);
		// The latest state wins if a server lists an order more than once.
		return orders.sort((a, b) => b.updatedAt - a.updatedAt)[0] ?? null;
	}

	/** Every GET Perch makes is KEYED in the docs' permission tables: the key header only. */
	#get(creds: AccountCredentials, path: string, params: QueryParams): Promise<unknown> {
		const bm = toBitmartCredentials(creds);
		return this.#rest.privateRequest<unknown>('GET', path, params, bm, 'keyed');
	}

	/** submit-order, cancel-order and cancel-orders are SIGNED. */
	#post(creds: AccountCredentials, path: string, body: QueryParams): Promise<unknown> {
		const bm = toBitmartCredentials(creds);
		return this.#rest.privateRequest<unknown>('POST', path, body, bm, 'signed');
	}

	#read<T>(path: string, read: () => T): T {
		try {
			return read();
		} catch (error) {
			if (error instanceof WireFormatError) {
				throw badResponseError(this.#baseUrl, `${path}: ${error.message}`);
			}
			throw error;
		}
	}
}

function isOrderNotFound(error: unknown): boolean {
	return (
		error instanceof ExchangeError &&
		typeof error.code === 'number' &&
		ORDER_NOT_FOUND_CODES.includes(error.code)
	);
}

function refused(reason: string): ExchangeError {
	return new ExchangeError(`Perch did not send the close: ${reason}.`, undefined, 'rejected');
}
