import type { OpenType, SimAccount, SimOrder, SimPosition } from '../core/accounts';
import { parseScaled } from '../core/decimal';
import { ERRORS, SimRestError, type SimError } from '../core/errors';
import { submitOrder } from '../core/execution';
import { parseSize, type BitgetContract } from './contracts';
import { BG, BitgetRestError, type BitgetError } from './errors';
import { contractOf, frozenSize, type OrderMeta, type WireSide } from './rows';

/**
 * place-order, cancel and flash close in Bitget's terms (notes §5), executed by the shared core.
 *
 * Side table (notes §5.1):
 *   hedge:   buy+open → open long, sell+open → open short, buy+close → CLOSE LONG, sell+close → close short
 *   one-way: buy → long, sell → short; with reduceOnly=YES buy reduces a short, sell reduces a long
 * Core side codes: 1 open long, 4 open short, 3 reduce a long, 2 reduce a short.
 */

export interface TradeContext {
	account: SimAccount;
	now: number;
	/** Run `fn` with this meta attached to the order it creates (its pushes carry it). */
	withMeta<T>(meta: OrderMeta, fn: () => T): T;
	newClientOid(): string;
}

const CLIENT_OID = /^[0-9A-Za-z\-+_#]{1,49}$/;

export function str(
	body: Record<string, unknown>,
	name: string,
	required: boolean
): string | undefined {
	const value = body[name];
	if (value === undefined || value === null || value === '') {
		if (required) throw new BitgetRestError(BG.empty(name));
		return undefined;
	}
	if (typeof value !== 'string' && typeof value !== 'number') {
		throw new BitgetRestError(BG.invalid(name, JSON.stringify(value)));
	}
	return String(value);
}

export function checkProductType(value: string | undefined): void {
	if (value === undefined) throw new BitgetRestError(BG.empty('productType'));
	if (value.toUpperCase() !== 'USDT-FUTURES') {
		// The simulated-coin product lines belong to another environment (notes §9).
		if (/^S(USDT|COIN|USDC)-FUTURES$/i.test(value)) throw new BitgetRestError(BG.environment);
		throw new BitgetRestError(BG.invalid('productType', value));
	}
}

export function checkMarginCoin(value: string | undefined): void {
	if (value !== undefined && value !== 'USDT') {
		throw new BitgetRestError(BG.invalid('marginCoin', value));
	}
}

export function contractFor(account: SimAccount, symbol: string | undefined): BitgetContract {
	if (symbol === undefined) throw new BitgetRestError(BG.empty('symbol'));
	const market = account.engine.get(symbol);
	if (!market) throw new BitgetRestError(BG.symbolUnknown);
	return contractOf(market);
}

function marginModeOf(value: string | undefined): OpenType {
	if (value === 'crossed') return 'cross';
	if (value === 'isolated') return 'isolated';
	throw new BitgetRestError(BG.invalid('marginMode', value));
}

/** Translate a core failure into Bitget's code. */
export function fromCore<T>(fn: () => T, overrides: Partial<Record<number, BitgetError>> = {}): T {
	try {
		return fn();
	} catch (error) {
		if (!(error instanceof SimRestError)) throw error;
		const e: SimError = error.error;
		const mapped =
			overrides[e.code] ??
			new Map<number, BitgetError>([
				[ERRORS.symbolNotExist.code, BG.symbolUnknown],
				[ERRORS.precisionInvalid.code, BG.priceScale],
				[ERRORS.rangeInvalid.code, BG.invalid('size', 'out of range')],
				[ERRORS.positionNotExist.code, BG.noPosition],
				[ERRORS.positionVolumeNotEnough.code, BG.positionNotEnough],
				[ERRORS.balanceNotEnough.code, BG.balance],
				[ERRORS.clientOrderIdDuplicated.code, BG.clientOidDuplicate],
				[ERRORS.orderNotExist.code, BG.cancelNotFound],
				[ERRORS.orderStatusInvalid.code, BG.cancelNotFound]
			]).get(e.code) ??
			BG.bodyNotJson;
		throw new BitgetRestError(mapped);
	}
}

export interface PlaceResult {
	/** Absent when the docs' one-way reduce-only case cancelled older reduce-only orders. */
	orderId?: string;
	clientOid: string;
}

export function placeOrder(ctx: TradeContext, body: Record<string, unknown>): PlaceResult {
	const { account } = ctx;
	const symbol = str(body, 'symbol', true);
	checkProductType(str(body, 'productType', true));
	const marginModeText = str(body, 'marginMode', true);
	const marginCoin = str(body, 'marginCoin', true);
	const sizeText = str(body, 'size', true)!;
	const side = str(body, 'side', true) as WireSide;
	const orderType = str(body, 'orderType', true);
	const tradeSide = str(body, 'tradeSide', false);
	const reduceOnlyText = str(body, 'reduceOnly', false);
	const force = str(body, 'force', false) ?? 'gtc';
	const priceText = str(body, 'price', false);
	const clientOidText = str(body, 'clientOid', false);
	const c = contractFor(account, symbol);
	checkMarginCoin(marginCoin);
	const openType = marginModeOf(marginModeText);
	if (side !== 'buy' && side !== 'sell') throw new BitgetRestError(BG.invalid('side', side));
	if (orderType !== 'limit' && orderType !== 'market') {
		throw new BitgetRestError(BG.invalid('orderType', orderType));
	}
	if (tradeSide !== undefined && tradeSide !== 'open' && tradeSide !== 'close') {
		throw new BitgetRestError(BG.invalid('tradeSide', tradeSide));
	}
	if (reduceOnlyText !== undefined && reduceOnlyText !== 'YES' && reduceOnlyText !== 'NO') {
		throw new BitgetRestError(BG.invalid('reduceOnly', reduceOnlyText));
	}
	if (!['gtc', 'ioc', 'fok', 'post_only'].includes(force)) {
		throw new BitgetRestError(BG.invalid('force', force));
	}
	let price = '0';
	if (orderType === 'limit') {
		if (priceText === undefined) throw new BitgetRestError(BG.empty('price'));
		const ticks = parseScaled(priceText, c.pricePlace);
		if (ticks === undefined || ticks <= 0n) throw new BitgetRestError(BG.priceScale);
		price = priceText;
	}
	const size = parseSize(c, sizeText);
	if (!size.ok) {
		if (size.reason === 'format') throw new BitgetRestError(BG.invalid('size', sizeText));
		if (size.reason === 'scale') throw new BitgetRestError(BG.sizeScale(sizeText, c.volumePlace));
		if (size.reason === 'multiple') {
			throw new BitgetRestError(BG.sizeMultiple(sizeText, c.sizeMultiplier));
		}
		throw new BitgetRestError(BG.minimum);
	}
	let clientOid: string;
	if (clientOidText !== undefined) {
		if (!CLIENT_OID.test(clientOidText)) throw new BitgetRestError(BG.clientOidInvalid);
		for (const o of account.orders.values()) {
			if (o.clientOrderId === clientOidText) throw new BitgetRestError(BG.clientOidDuplicate);
		}
		clientOid = clientOidText;
	} else {
		clientOid = ctx.newClientOid();
	}

	const hedge = account.positionMode === 'hedge';
	let code: 1 | 2 | 3 | 4;
	let reduceOnly = false;
	if (hedge) {
		// A one-way style order (no tradeSide) on a hedge-mode account.
		if (tradeSide === undefined) throw new BitgetRestError(BG.modeMismatch);
		if (tradeSide === 'open') code = side === 'buy' ? 1 : 4;
		else code = side === 'buy' ? 3 : 2;
	} else {
		reduceOnly = reduceOnlyText === 'YES';
		if (reduceOnly) code = side === 'buy' ? 2 : 3;
		else code = side === 'buy' ? 1 : 4;
	}
	const closing = code === 2 || code === 3;
	let omitOrderId = false;
	if (closing) {
		const held = account.position(c.symbol, code === 3 ? 'long' : 'short');
		if (!held) throw new BitgetRestError(BG.noPosition);
		if (size.units > held.size) throw new BitgetRestError(BG.positionNotEnough);
		const reserved = frozenSize(account, held);
		if (size.units > held.size - reserved) {
			if (hedge) throw new BitgetRestError(BG.positionNotEnough);
			// Docs (place-order, one-way): older reduce-only orders are cancelled to make room, and
			// the reply may then lack orderId.
			cancelOlderReduceOnly(account, held, size.units, ctx.now);
			omitOrderId = true;
		}
	} else {
		const refPrice =
			orderType === 'limit'
				? Number(price)
				: account.market(c.symbol).priceOf(account.market(c.symbol).last);
		if (size.units * Number(c.contractSize) * refPrice < Number(c.minTradeUSDT)) {
			throw new BitgetRestError(BG.minimumNotional(c.minTradeUSDT));
		}
	}
	const meta: OrderMeta = {
		side,
		tradeSide: closing ? 'close' : 'open',
		reduceOnly,
		force,
		presetStopSurplusPrice: str(body, 'presetStopSurplusPrice', false) ?? '',
		presetStopLossPrice: str(body, 'presetStopLossPrice', false) ?? ''
	};
	const order = ctx.withMeta(meta, () =>
		fromCore(() =>
			submitOrder(
				account,
				{
					symbol: c.symbol,
					side: code,
					type: orderType,
					price,
					size: size.units,
					open_type: openType
				},
				ctx.now,
				clientOid
			)
		)
	);
	return omitOrderId
		? { clientOid: order.clientOrderId }
		: { orderId: order.orderId, clientOid: order.clientOrderId };
}

function cancelOlderReduceOnly(
	account: SimAccount,
	held: SimPosition,
	wanted: number,
	now: number
): void {
	const code = held.side === 'long' ? 3 : 2;
	const resting = account
		.openOrders()
		.filter((o) => o.symbol === held.symbol && o.side === code)
		.sort((a, b) => a.createdAt - b.createdAt || Number(a.orderId) - Number(b.orderId));
	let free = held.size - frozenSize(account, held);
	for (const order of resting) {
		if (free >= wanted) break;
		account.cancel(order.symbol, order.orderId, undefined, now);
		free += order.size - order.dealSize;
	}
}

export function findOrder(
	account: SimAccount,
	symbol: string,
	orderId?: string,
	clientOid?: string
): SimOrder | undefined {
	for (const o of account.orders.values()) {
		if (o.symbol !== symbol) continue;
		if (orderId !== undefined && o.orderId !== orderId) continue;
		if (clientOid !== undefined && o.clientOrderId !== clientOid) continue;
		return o;
	}
	return undefined;
}

export interface FlashCloseEntry {
	orderId: string;
	clientOid: string;
	symbol: string;
}

export interface FlashCloseFailure extends FlashCloseEntry {
	errorMsg: string;
	errorCode: string;
}

/**
 * close-positions (notes §5.2): a market close of whole positions; `symbol` optional (all), and
 * `holdSide` only honoured in hedge mode. `failing` holds the positions a fault makes fail.
 */
export function flashClose(
	ctx: TradeContext,
	body: Record<string, unknown>,
	failing: (symbol: string, side: 'long' | 'short') => BitgetError | undefined
): { successList: FlashCloseEntry[]; failureList: FlashCloseFailure[] } {
	const { account } = ctx;
	checkProductType(str(body, 'productType', true));
	const symbol = str(body, 'symbol', false);
	if (symbol !== undefined) contractFor(account, symbol);
	const holdSide = str(body, 'holdSide', false);
	if (holdSide !== undefined && holdSide !== 'long' && holdSide !== 'short') {
		throw new BitgetRestError(BG.invalid('holdSide', holdSide));
	}
	const hedge = account.positionMode === 'hedge';
	const targets = [...account.positions.values()].filter(
		(p) =>
			p.size > 0 &&
			(symbol === undefined || p.symbol === symbol) &&
			(!hedge || holdSide === undefined || p.side === holdSide)
	);
	if (targets.length === 0) throw new BitgetRestError(BG.noPosition);
	const successList: FlashCloseEntry[] = [];
	const failureList: FlashCloseFailure[] = [];
	for (const p of targets) {
		const forced = failing(p.symbol, p.side);
		const clientOid = ctx.newClientOid();
		if (forced) {
			failureList.push({
				orderId: '',
				clientOid,
				symbol: p.symbol,
				errorMsg: forced.msg,
				errorCode: forced.code
			});
			continue;
		}
		const code = p.side === 'long' ? 3 : 2;
		const meta: OrderMeta = {
			side: hedge ? (p.side === 'long' ? 'buy' : 'sell') : p.side === 'long' ? 'sell' : 'buy',
			tradeSide: 'close',
			reduceOnly: !hedge,
			force: 'gtc',
			presetStopSurplusPrice: '',
			presetStopLossPrice: ''
		};
		try {
			const order = ctx.withMeta(meta, () =>
				fromCore(() =>
					submitOrder(
						account,
						{ symbol: p.symbol, side: code, type: 'market', size: p.size, open_type: p.openType },
						ctx.now,
						clientOid
					)
				)
			);
			successList.push({ orderId: order.orderId, clientOid, symbol: p.symbol });
		} catch (error) {
			if (!(error instanceof BitgetRestError)) throw error;
			failureList.push({
				orderId: '',
				clientOid,
				symbol: p.symbol,
				errorMsg: error.error.msg,
				errorCode: error.error.code
			});
		}
	}
	return { successList, failureList };
}
