/**
 * Parses one private-socket message (`futures/asset:<COIN>`, `futures/position`, `futures/order`)
 * into account events. Never throws: an unreadable frame or row becomes an `error` event, and the
 * readable rows of the same frame still get through.
 */

import type { AccountEvent, Balance, Position } from '$lib/exchanges/types';
import { marginModeOf, positionModeOf, unsigned } from './account-normalize';
import {
	WireFormatError,
	asObject,
	isObject,
	optDecimal,
	optNumber,
	optString,
	reqDecimal,
	reqString,
	toMillis
} from './fields';
import { normalizeStreamOrder } from './order-normalize';

type WireObject = Record<string, unknown>;

export function parsePrivateMessage(
	msg: unknown,
	accountId: string,
	receivedAt: number = Date.now()
): AccountEvent[] {
	if (!isObject(msg)) return [errorEvent('BitMart sent a message that is not an object')];
	const group = typeof msg.group === 'string' ? msg.group : undefined;
	if (msg.success === false) return [refusal(msg, group)];
	// Acks of our own subscribe/unsubscribe requests carry no account data.
	if (typeof msg.action === 'string' && msg.data === undefined) return [];
	if (group === undefined) return [];
	const channel = group.split(':', 1)[0];
	switch (channel) {
		case 'futures/asset':
			return rows(group, msg.data, (row) => balanceEvent(row, accountId, receivedAt));
		case 'futures/position':
			return rows(group, msg.data, (row) => positionEvent(row, accountId, receivedAt));
		case 'futures/order':
			return rows(group, msg.data, (row) => ({
				type: 'order',
				order: normalizeStreamOrder(row, accountId)
			}));
		default:
			return [];
	}
}

/** Each row is read on its own: one bad row costs only itself. The asset channel sends one object. */
function rows(group: string, data: unknown, read: (row: unknown) => AccountEvent): AccountEvent[] {
	let list: unknown[];
	try {
		list = Array.isArray(data) ? data : [asObject(data, 'data')];
	} catch (error) {
		return [unreadable(group, error)];
	}
	return list.map((row) => {
		try {
			return read(row);
		} catch (error) {
			return unreadable(group, error);
		}
	});
}

/** Only what the frame carries: the asset channel has no equity or PnL, so those stay unset. */
function balanceEvent(wire: unknown, accountId: string, receivedAt: number): AccountEvent {
	const a = asObject(wire, 'asset');
	const balance: Partial<Balance> & { asset: string } = {
		accountId,
		asset: reqString(a, 'currency'),
		updatedAt: receivedAt
	};
	setIfPresent(balance, 'available', a, 'available_balance');
	setIfPresent(balance, 'positionMargin', a, 'position_deposit');
	setIfPresent(balance, 'frozen', a, 'frozen_balance');
	setIfPresent(balance, 'equity', a, 'equity');
	setIfPresent(balance, 'unrealizedPnl', a, 'unrealized');
	return { type: 'balance', balance };
}

/**
 * A position row, timed by its own `update_time` so the account state can tell an old row that
 * arrives late from a newer one. A size of "0" is passed on, not dropped: it is how the channel says a position
 * is gone, and the account state removes it.
 */
function positionEvent(wire: unknown, accountId: string, receivedAt: number): AccountEvent {
	const p = asObject(wire, 'position');
	const type = optNumber(p, 'position_type');
	if (type !== 1 && type !== 2) {
		throw new WireFormatError(`unknown position_type "${String(p.position_type)}"`);
	}
	const position: Partial<Position> & { symbol: string; side: 'long' | 'short'; size: string } = {
		accountId,
		symbol: reqString(p, 'symbol'),
		side: type === 1 ? 'long' : 'short',
		size: unsigned(reqDecimal(p, 'hold_volume'))
	};
	const entry = optDecimal(p, 'hold_avg_price') ?? optDecimal(p, 'open_avg_price');
	if (entry !== undefined) position.entryPrice = entry;
	setIfPresent(position, 'liquidationPrice', p, 'liquidate_price');
	setIfPresent(position, 'markPrice', p, 'mark_price');
	setIfPresent(position, 'leverage', p, 'leverage');
	const marginMode = marginModeOf(optNumber(p, 'open_type') ?? optString(p, 'open_type'));
	if (marginMode) position.marginMode = marginMode;
	const positionMode = positionModeOf(optString(p, 'position_mode'));
	if (positionMode) position.positionMode = positionMode;
	const updated = optNumber(p, 'update_time');
	position.updatedAt = updated === undefined ? receivedAt : toMillis(updated);
	return { type: 'position', position };
}

/** Every field copied this way is a decimal: a malformed one fails the whole row. */
function setIfPresent<T extends object>(
	target: T,
	key: keyof T & string,
	source: WireObject,
	field: string
): void {
	const value = optDecimal(source, field);
	if (value !== undefined) (target as Record<string, unknown>)[key] = value;
}

function refusal(msg: WireObject, group: string | undefined): AccountEvent {
	const reason =
		typeof msg.error === 'string' && msg.error.trim() !== ''
			? msg.error.trim().slice(0, 200)
			: 'no reason given';
	const action = typeof msg.action === 'string' ? `${msg.action} ` : '';
	const about = group ? ` (${group})` : '';
	return errorEvent(`BitMart refused a ${action}request${about}: ${reason}`);
}

function unreadable(group: string, error: unknown): AccountEvent {
	const reason = error instanceof WireFormatError ? error.message : 'unreadable data';
	return errorEvent(`Could not read a BitMart ${group} update: ${reason}`);
}

function errorEvent(message: string): AccountEvent {
	return { type: 'error', message };
}
