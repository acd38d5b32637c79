/**
 * BitMart account REST rows → normalized balances, positions and the position mode.
 * Throws `WireFormatError` on a malformed row; the caller turns it into a 'bad-response' error.
 */

import type {
	Balance,
	MarginMode,
	Position,
	PositionMode,
	PositionSide
} from '$lib/exchanges/types';
import {
	WireFormatError,
	asObject,
	optDecimal,
	optNumber,
	optString,
	reqDecimal,
	reqString,
	toMillis
} from './fields';

/** One row of `GET /contract/private/assets-detail`. */
export function normalizeAssetRow(wire: unknown, accountId: string, fetchedAt: number): Balance {
	const a = asObject(wire, 'asset');
	return {
		accountId,
		asset: reqString(a, 'currency'),
		equity: reqDecimal(a, 'equity'),
		available: reqDecimal(a, 'available_balance'),
		positionMargin: optDecimal(a, 'position_deposit') ?? '0',
		frozen: optDecimal(a, 'frozen_balance') ?? '0',
		unrealizedPnl: optDecimal(a, 'unrealized') ?? '0',
		updatedAt: fetchedAt
	};
}

/** `GET /contract/private/get-position-mode` data. */
export function normalizePositionMode(wire: unknown): PositionMode {
	const mode = positionModeOf(optString(asObject(wire, 'position mode'), 'position_mode'));
	if (!mode) throw new WireFormatError('field "position_mode" is not hedge_mode or one_way_mode');
	return mode;
}

export function positionModeOf(value: string | undefined): PositionMode | undefined {
	if (value === 'hedge_mode') return 'hedge';
	if (value === 'one_way_mode') return 'one-way';
	return undefined;
}

/**
 * One row of `GET /contract/private/position-v2`, or null for an empty row (the endpoint lists
 * zero rows when asked for one symbol). The size is `current_amount` as written, minus any sign.
 */
export function normalizeRestPosition(
	wire: unknown,
	accountId: string,
	positionMode: PositionMode,
	fetchedAt: number
): Position | null {
	const p = asObject(wire, 'position');
	const signed = optDecimal(p, 'current_amount') ?? reqDecimal(p, 'position_amount');
	const size = unsigned(signed);
	if (isZeroText(size)) return null;
	const marginMode = marginModeOf(optString(p, 'open_type'));
	if (!marginMode) throw new WireFormatError('field "open_type" is not cross or isolated');
	const time = optNumber(p, 'timestamp');
	return {
		accountId,
		symbol: reqString(p, 'symbol'),
		side: restPositionSide(p, signed),
		size,
		entryPrice: nonZero(optDecimal(p, 'entry_price')) ?? reqDecimal(p, 'open_avg_price'),
		markPrice: optDecimal(p, 'mark_price'),
		liquidationPrice: optDecimal(p, 'liquidation_price') ?? '0',
		// position_cross is the margin held by the position; initial_margin is the newer name.
		margin: optDecimal(p, 'position_cross') ?? optDecimal(p, 'initial_margin') ?? '0',
		leverage: reqDecimal(p, 'leverage'),
		marginMode,
		positionMode,
		unrealizedPnl: optDecimal(p, 'unrealized_pnl') ?? optDecimal(p, 'unrealized_value'),
		realizedPnl: optDecimal(p, 'realized_value'),
		updatedAt: time === undefined ? fetchedAt : toMillis(time)
	};
}

/**
 * position-v2 names the side in `position_side` (long | short | both); the older endpoints and
 * the socket use `position_type` 1 long / 2 short. In one-way mode ("both") the sign of the
 * amount is the side.
 */
function restPositionSide(p: Record<string, unknown>, signedSize: string): PositionSide {
	const type = optNumber(p, 'position_type');
	if (type === 1) return 'long';
	if (type === 2) return 'short';
	const side = optString(p, 'position_side');
	if (side === 'long' || side === 'short') return side;
	const amount = optDecimal(p, 'position_amount') ?? signedSize;
	if (side === 'both' || side === undefined)
		return amount.trim().startsWith('-') ? 'short' : 'long';
	throw new WireFormatError(`unknown position side "${side}"`);
}

export function marginModeOf(value: string | number | undefined): MarginMode | undefined {
	// REST writes the words; the position channel writes 1 isolated / 2 cross.
	if (value === 'cross' || value === 2) return 'cross';
	if (value === 'isolated' || value === 1) return 'isolated';
	return undefined;
}

export function unsigned(value: string): string {
	const text = value.trim();
	return text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
}

export function isZeroText(value: string): boolean {
	return /^[+-]?0*(\.0*)?$/.test(value.trim());
}

function nonZero(value: string | undefined): string | undefined {
	return value === undefined || isZeroText(value) ? undefined : value;
}
