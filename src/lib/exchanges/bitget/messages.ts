/**
 * Bitget socket frames → events. Pushes are `{action, arg, data}`; acks and errors carry `event`
 * (notes §3.4). Nothing here throws: a frame that cannot be read becomes an error event.
 */

import type { AccountEvent, BookMessage, FundingState, Ticker, Trade } from '$lib/exchanges/types';
import {
	WireFormatError,
	asArray,
	asObject,
	isObject,
	optNumber,
	optString
} from '../bitmart/fields';
import { bitgetSocketError } from './errors';
import {
	normalizeBalancePush,
	normalizeLevels,
	normalizeOrder,
	normalizePosition,
	normalizeTicker,
	normalizeTrade
} from './normalize';
import { topicOfArg } from './stream';

export type PublicEvent =
	| { type: 'ticker'; topic: string; ticker: Ticker; funding?: FundingState }
	| { type: 'book'; topic: string; book: BookMessage }
	| { type: 'trades'; topic: string; trades: Trade[] }
	| { type: 'error'; topic?: string; message: string }
	| { type: 'ignored' };

export function parsePublicMessage(msg: unknown): PublicEvent {
	if (!isObject(msg)) return { type: 'ignored' };
	const topic = topicOfArg(msg.arg);
	if (msg.event === 'error') {
		return {
			type: 'error',
			topic,
			message: bitgetSocketError(optString(msg, 'code'), msg.msg).message
		};
	}
	if (msg.event !== undefined || topic === undefined || !Array.isArray(msg.data)) {
		return { type: 'ignored' };
	}
	const channel = topic.slice(0, topic.indexOf(':'));
	const instId = topic.slice(topic.indexOf(':') + 1);
	try {
		if (channel === 'ticker') {
			const row = msg.data[0];
			if (row === undefined) return { type: 'ignored' };
			return { type: 'ticker', topic, ...normalizeTicker(row) };
		}
		if (channel.startsWith('books')) {
			const row = asObject(msg.data[0], 'book');
			// books1/5/15 are a full snapshot every time; only `books` sends updates.
			const kind = channel === 'books' && msg.action === 'update' ? 'update' : 'snapshot';
			const book: BookMessage = {
				kind,
				symbol: instId,
				version: optNumber(row, 'seq') ?? 0,
				bids: normalizeLevels(row.bids ?? [], 'bids'),
				asks: normalizeLevels(row.asks ?? [], 'asks'),
				ts: optNumber(row, 'ts') ?? optNumber(msg, 'ts') ?? Date.now()
			};
			const checksum = optNumber(row, 'checksum');
			if (checksum !== undefined && channel === 'books') book.checksum = checksum;
			return { type: 'book', topic, book };
		}
		if (channel === 'trade') {
			return { type: 'trades', topic, trades: msg.data.map((row) => normalizeTrade(row, instId)) };
		}
	} catch (error) {
		return { type: 'error', topic, message: `Unreadable ${channel} frame: ${reason(error)}` };
	}
	return { type: 'ignored' };
}

/**
 * The private channels of one account. Every row of a push, `snapshot` or `update`, is applied
 * as the latest word on that row (a snapshot's rows replace what the list had for them). The docs
 * do not say a snapshot push is complete, so a row missing from one is not taken as closed: the
 * REST snapshot taken after every final order is what removes it, as on BitMart.
 */
export class PrivateMessageReader {
	readonly #accountId: string;
	readonly #now: () => number;
	#mode: 'hedge' | 'one-way' = 'hedge';

	constructor(accountId: string, now: () => number = Date.now) {
		this.#accountId = accountId;
		this.#now = now;
	}

	read(msg: unknown): AccountEvent[] {
		if (!isObject(msg)) return [];
		if (msg.event === 'error') {
			return [
				{ type: 'error', message: bitgetSocketError(optString(msg, 'code'), msg.msg).message }
			];
		}
		const topic = topicOfArg(msg.arg);
		if (msg.event !== undefined || topic === undefined) return [];
		const channel = topic.slice(0, topic.indexOf(':'));
		try {
			const rows = asArray(msg.data, `${channel} data`);
			switch (channel) {
				case 'account':
					return rows.map((row) => ({ type: 'balance', balance: normalizeBalancePush(row) }));
				case 'positions':
					return this.#positionEvents(rows);
				case 'orders':
					return rows.map((row) => ({
						type: 'order',
						order: normalizeOrder(row, this.#accountId)
					}));
				default:
					return [];
			}
		} catch (error) {
			return [{ type: 'error', message: `Unreadable ${channel} push: ${reason(error)}` }];
		}
	}

	#positionEvents(rows: unknown[]): AccountEvent[] {
		const now = this.#now();
		return rows.map((row) => {
			const { position } = normalizePosition(row, this.#accountId, this.#mode, now);
			// Rows carry posMode; one without it takes the mode the last row had.
			this.#mode = position.positionMode;
			return { type: 'position', position };
		});
	}
}

function reason(error: unknown): string {
	if (error instanceof WireFormatError) return error.message;
	return error instanceof Error ? error.message : String(error);
}
