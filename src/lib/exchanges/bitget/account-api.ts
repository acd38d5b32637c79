/**
 * The signed Bitget calls of one account: snapshot, key check, close, order lookup, cancels and
 * flash close. Requests go through `BitgetRest.privateRequest` (signing, envelope, error
 * mapping); this file only knows paths, bodies and how to read the answers.
 */

import { addDecimals, isDecimalString, compareDecimals } from '$lib/domain/decimal';
import {
	ExchangeError,
	type AccountCredentials,
	type AccountSnapshot,
	type CloseOrderRequest,
	type FillSummary,
	type FlashCloseResult,
	type Order,
	type PositionMode,
	type PositionSide,
	type SubmitOptions,
	type SubmittedOrder
} from '$lib/exchanges/types';
import { asArray, asObject, isObject, optString, reqString } from '../bitmart/fields';
import { ORDER_NOT_FOUND_CODES } from './errors';
import {
	DEFAULT_MARGIN_COIN,
	PRODUCT_TYPE,
	normalizeBalance,
	normalizeOrder,
	normalizePosition,
	positionModeOf
} from './normalize';
import type { BitgetCredentials, BitgetRest, QueryParams } from './rest';

export const PATHS = {
	accounts: '/api/v2/mix/account/accounts',
	account: '/api/v2/mix/account/account',
	positions: '/api/v2/mix/position/all-position',
	openOrders: '/api/v2/mix/order/orders-pending',
	orderDetail: '/api/v2/mix/order/detail',
	placeOrder: '/api/v2/mix/order/place-order',
	cancelOrder: '/api/v2/mix/order/cancel-order',
	cancelAll: '/api/v2/mix/order/cancel-all-orders',
	flashClose: '/api/v2/mix/order/close-positions',
	fills: '/api/v2/mix/order/fills'
} as const;

/** Bitget allows letters, digits and a few marks, up to 50 characters; Perch's ids are plainer. */
export const CLIENT_OID = /^[A-Za-z0-9_-]{1,50}$/;

export interface CloseOrderBody {
	symbol: string;
	productType: typeof PRODUCT_TYPE;
	marginMode: 'crossed' | 'isolated';
	marginCoin: string;
	size: string;
	side: 'buy' | 'sell';
	tradeSide?: 'close';
	orderType: 'market';
	clientOid: string;
	reduceOnly?: 'YES';
}

/**
 * The place-order body for a close (notes §5.1):
 * - hedge mode: `side` is the position's own side with `tradeSide=close` (closing a long is
 *   buy + close);
 * - one-way mode: the opposite side with `reduceOnly=YES`.
 * The size is the planner's exact string, never re-formatted; anything odd is refused unsent.
 */
export function closeOrderBody(req: CloseOrderRequest, marginCoin: string): CloseOrderBody {
	if (!isDecimalString(req.size) || !/^\d+(\.\d+)?$/.test(req.size)) {
		throw refused(`the size "${req.size}" is not a plain decimal number`);
	}
	if (compareDecimals(req.size, '0') <= 0) throw refused(`the size "${req.size}" is not above 0`);
	if (!CLIENT_OID.test(req.clientOrderId)) {
		throw refused('the client order id must be 1–50 letters, digits, "_" or "-"');
	}
	if (req.positionSide !== 'long' && req.positionSide !== 'short') {
		throw refused(`unknown position side "${String(req.positionSide)}"`);
	}
	if (req.marginMode !== 'cross' && req.marginMode !== 'isolated') {
		throw refused(`unknown margin mode "${String(req.marginMode)}"`);
	}
	const common = {
		symbol: req.symbol,
		productType: PRODUCT_TYPE,
		marginMode: req.marginMode === 'cross' ? 'crossed' : 'isolated',
		marginCoin,
		size: req.size
	} as const;
	if (req.positionMode === 'hedge') {
		return {
			...common,
			side: req.positionSide === 'long' ? 'buy' : 'sell',
			tradeSide: 'close',
			orderType: 'market',
			clientOid: req.clientOrderId
		};
	}
	if (req.positionMode === 'one-way') {
		return {
			...common,
			side: req.positionSide === 'long' ? 'sell' : 'buy',
			orderType: 'market',
			clientOid: req.clientOrderId,
			reduceOnly: 'YES'
		};
	}
	throw refused(`unknown position mode "${String(req.positionMode)}"`);
}

/** Bitget's one extra credential is the passphrase, sent with every request and the login. */
export function toBitgetCredentials(creds: AccountCredentials): BitgetCredentials {
	return { apiKey: creds.apiKey, passphrase: creds.fields.passphrase ?? '', key: creds.signingKey };
}

export class BitgetAccountApi {
	readonly #rest: BitgetRest;
	readonly #now: () => number;
	/** A symbol to ask `account` about when no position names one (it needs a symbol). */
	readonly #anySymbol: () => Promise<string | undefined>;
	/** The margin coin of each position, from the last snapshot: the close body names it. */
	readonly #marginCoins = new Map<string, string>();

	constructor(
		rest: BitgetRest,
		anySymbol: () => Promise<string | undefined>,
		now: () => number = Date.now
	) {
		this.#rest = rest;
		this.#anySymbol = anySymbol;
		this.#now = now;
	}

	/** A read-only signed call: key, secret, passphrase, clock and environment all take part. */
	async validateKey(creds: AccountCredentials): Promise<void> {
		const data = await this.#get(creds, PATHS.accounts, { productType: PRODUCT_TYPE });
		this.#rest.read(PATHS.accounts, () => asArray(data, 'accounts'));
	}

	async snapshot(creds: AccountCredentials): Promise<AccountSnapshot> {
		const [assets, positions, orders] = await Promise.all([
			this.#get(creds, PATHS.accounts, { productType: PRODUCT_TYPE }),
			this.#get(creds, PATHS.positions, {
				productType: PRODUCT_TYPE,
				marginCoin: DEFAULT_MARGIN_COIN
			}),
			this.#get(creds, PATHS.openOrders, { productType: PRODUCT_TYPE })
		]);
		const fetchedAt = this.#now();
		const id = creds.accountId;
		const positionRows = this.#rest.read(PATHS.positions, () =>
			asArray(positions ?? [], 'positions')
		);
		const positionMode = await this.#positionMode(creds, positionRows);
		const normalized = this.#rest.read(PATHS.positions, () =>
			positionRows.map((row) => normalizePosition(row, id, positionMode, fetchedAt))
		);
		this.#marginCoins.clear();
		for (const { position, extras } of normalized) {
			this.#marginCoins.set(`${position.symbol}:${position.side}`, extras.marginCoin);
		}
		// `accounts` rows need not say the margin in use (the notes list no such field): then it is
		// the sum of the positions' marginSize in that coin.
		const marginByCoin = new Map<string, string>();
		for (const { position, extras } of normalized) {
			const sum = marginByCoin.get(extras.marginCoin) ?? '0';
			marginByCoin.set(extras.marginCoin, addDecimals(sum, position.margin));
		}
		return {
			balances: this.#rest.read(PATHS.accounts, () =>
				asArray(assets ?? [], 'accounts').map((row) => {
					const balance = normalizeBalance(row, id, fetchedAt);
					const fromPositions = marginByCoin.get(balance.asset);
					if (balance.positionMargin === undefined && fromPositions !== undefined) {
						return { ...balance, positionMargin: fromPositions };
					}
					return { ...balance, positionMargin: balance.positionMargin ?? '0' };
				})
			),
			positions: normalized
				.map(({ position }) => position)
				.filter((p) => compareDecimals(p.size, '0') > 0),
			orders: this.#rest.read(PATHS.openOrders, () => {
				// `entrustedList` is null, not [], when nothing is open.
				const list = isObject(orders) ? orders.entrustedList : undefined;
				return asArray(list ?? [], 'entrustedList').map((row) => normalizeOrder(row, id));
			}),
			positionMode,
			fetchedAt
		};
	}

	async submitClose(
		creds: AccountCredentials,
		req: CloseOrderRequest,
		options: SubmitOptions = {}
	): Promise<SubmittedOrder> {
		const marginCoin =
			this.#marginCoins.get(`${req.symbol}:${req.positionSide}`) ?? DEFAULT_MARGIN_COIN;
		const body = closeOrderBody(req, marginCoin);
		const data = await this.#rest.privateRequest(
			'POST',
			PATHS.placeOrder,
			{ ...body },
			toBitgetCredentials(creds),
			options
		);
		// A one-way reduce-only order may come back without orderId (notes §5.1): the client id
		// is enough for the gate to follow it.
		const orderId = isObject(data) ? optString(data, 'orderId') : undefined;
		return orderId
			? { orderId, clientOrderId: req.clientOrderId }
			: { clientOrderId: req.clientOrderId };
	}

	/** `detail` by clientOid; null when Bitget says there is no such order. */
	async findOrder(
		creds: AccountCredentials,
		symbol: string,
		clientOrderId: string
	): Promise<Order | null> {
		let data: unknown;
		try {
			data = await this.#get(creds, PATHS.orderDetail, {
				symbol,
				productType: PRODUCT_TYPE,
				clientOid: clientOrderId
			});
		} catch (error) {
			if (isOrderNotFound(error)) return null;
			throw error;
		}
		if (data === null || data === undefined) return null;
		const order = this.#rest.read(PATHS.orderDetail, () => normalizeOrder(data, creds.accountId));
		// A server that ignored the filter must not hand back someone else's order.
		return order.clientOrderId === clientOrderId ? order : null;
	}

	/** Sums `profit` and the fees of the order's rows in `fills`; fees are reported negative. */
	async fillSummary(
		creds: AccountCredentials,
		symbol: string,
		orderId: string
	): Promise<FillSummary | null> {
		const data = await this.#get(creds, PATHS.fills, {
			symbol,
			productType: PRODUCT_TYPE,
			orderId
		});
		if (!isObject(data)) return null;
		return this.#rest.read(PATHS.fills, () => {
			const rows = asArray(data.fillList ?? [], 'fillList').filter(
				(row) => isObject(row) && String(row.orderId) === orderId
			);
			if (rows.length === 0) return null;
			let realizedPnl = '0';
			let paid = '0';
			for (const row of rows) {
				const fill = asObject(row, 'fill');
				realizedPnl = addDecimals(realizedPnl, optString(fill, 'profit') ?? '0');
				for (const fee of Array.isArray(fill.feeDetail) ? fill.feeDetail : []) {
					if (isObject(fee)) paid = addDecimals(paid, optString(fee, 'totalFee') ?? '0');
				}
			}
			// A paid fee is negative on the wire; Perch shows fees as a cost.
			return { fills: rows.length, realizedPnl, fees: addDecimals('0', negate(paid)) };
		});
	}

	async cancelOrder(creds: AccountCredentials, symbol: string, orderId: string): Promise<void> {
		await this.#post(creds, PATHS.cancelOrder, {
			symbol,
			productType: PRODUCT_TYPE,
			marginCoin: DEFAULT_MARGIN_COIN,
			orderId
		});
	}

	async cancelAllOrders(creds: AccountCredentials, symbol: string): Promise<void> {
		const data = await this.#post(creds, PATHS.cancelAll, {
			productType: PRODUCT_TYPE,
			symbol,
			marginCoin: DEFAULT_MARGIN_COIN
		});
		const failures = readFailures(data);
		if (failures.length > 0) {
			throw new ExchangeError(
				`Bitget could not cancel ${failures.length === 1 ? 'an order' : `${failures.length} orders`}: ${failures.map((f) => f.reason).join('; ')}.`,
				failures[0].code,
				'rejected'
			);
		}
	}

	/**
	 * Bitget's flash close: a market close of whole positions, with no client id and no size,
	 * so it cannot go through the order gate's one-intent-one-id record. A fallback only.
	 */
	async flashClose(
		creds: AccountCredentials,
		target: { symbol?: string; side?: PositionSide; positionMode?: PositionMode } = {}
	): Promise<FlashCloseResult> {
		const body: Record<string, string> = {};
		if (target.symbol) body.symbol = target.symbol;
		body.productType = PRODUCT_TYPE;
		// One-way mode ignores holdSide (notes §5.2): it is sent only in hedge mode.
		if (target.side && target.positionMode !== 'one-way') body.holdSide = target.side;
		const data = await this.#post(creds, PATHS.flashClose, body);
		return this.#rest.read(PATHS.flashClose, () => {
			const o = isObject(data) ? data : {};
			const closed = asArray(o.successList ?? [], 'successList').map((row) => {
				const r = asObject(row, 'success');
				return {
					symbol: optString(r, 'symbol') ?? target.symbol ?? '',
					orderId: optString(r, 'orderId'),
					clientOrderId: optString(r, 'clientOid')
				};
			});
			return { closed, failed: readFailures(data, target.symbol) };
		});
	}

	async #positionMode(creds: AccountCredentials, rows: unknown[]): Promise<PositionMode> {
		for (const row of rows) {
			const mode = isObject(row) ? positionModeOf(optString(row, 'posMode')) : undefined;
			if (mode) return mode;
		}
		// No position says it: ask the account (the endpoint wants a symbol, any will do).
		const symbol = await this.#anySymbol();
		if (!symbol) return 'hedge';
		const data = await this.#get(creds, PATHS.account, {
			symbol,
			productType: PRODUCT_TYPE,
			marginCoin: DEFAULT_MARGIN_COIN
		});
		return this.#rest.read(PATHS.account, () => {
			const text = reqString(asObject(data, 'account'), 'posMode');
			const mode = positionModeOf(text);
			if (!mode)
				throw new ExchangeError(
					`Bitget reported an unknown position mode "${text}".`,
					undefined,
					'bad-response'
				);
			return mode;
		});
	}

	#get(creds: AccountCredentials, path: string, params: QueryParams): Promise<unknown> {
		return this.#rest.privateRequest('GET', path, params, toBitgetCredentials(creds));
	}

	#post(creds: AccountCredentials, path: string, body: Record<string, unknown>): Promise<unknown> {
		return this.#rest.privateRequest('POST', path, body, toBitgetCredentials(creds));
	}
}

/** `failureList` rows, each with its reason; the list may be there even when code is "00000". */
function readFailures(
	data: unknown,
	symbol?: string
): { symbol: string; orderId?: string; reason: string; code?: string }[] {
	if (!isObject(data) || !Array.isArray(data.failureList)) return [];
	return data.failureList.filter(isObject).map((r) => {
		const code = optString(r, 'errorCode');
		const msg = optString(r, 'errorMsg');
		return {
			symbol: optString(r, 'symbol') ?? symbol ?? '',
			orderId: optString(r, 'orderId'),
			reason: `${msg && msg.trim() ? msg.trim().slice(0, 200) : 'no reason given'}${code ? ` (code ${code})` : ''}`,
			code
		};
	});
}

function negate(value: string): string {
	return value.startsWith('-') ? value.slice(1) : value === '0' ? '0' : `-${value}`;
}

function isOrderNotFound(error: unknown): boolean {
	return (
		error instanceof ExchangeError &&
		typeof error.code === 'string' &&
		ORDER_NOT_FOUND_CODES.includes(error.code)
	);
}

function refused(reason: string): ExchangeError {
	return new ExchangeError(`Perch did not send the close: ${reason}.`, undefined, 'rejected');
}
