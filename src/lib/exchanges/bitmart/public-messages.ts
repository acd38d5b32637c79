/**
 * Parses one public-socket message into a normalized event. Never throws: a frame that cannot be
 * read becomes `{type: 'error'}` so a single bad frame cannot break a stream.
 */

import type { BookMessage, FundingState, Ticker, Trade } from '$lib/exchanges/types';
import { WireFormatError, asArray, isObject } from './fields';
import {
	normalizeDepthIncrease,
	normalizeStreamFunding,
	normalizeStreamTrade,
	normalizeTicker
} from './normalize';

/** Every data event carries the `topic` (the frame's group) so a stream can route it. */
export type PublicEvent =
	| { type: 'ticker'; topic: string; ticker: Ticker }
	| { type: 'book'; topic: string; book: BookMessage }
	| { type: 'funding'; topic: string; funding: FundingState }
	| { type: 'trades'; topic: string; trades: Trade[] }
	| { type: 'subscribed'; topic: string }
	| { type: 'error'; message: string; topic?: string }
	| { type: 'ignored' };

export function parsePublicMessage(msg: unknown, receivedAt: number = Date.now()): PublicEvent {
	if (!isObject(msg))
		return { type: 'error', message: 'BitMart sent a message that is not an object' };
	try {
		return parseObject(msg, receivedAt);
	} catch (error) {
		const topic = typeof msg.group === 'string' ? msg.group : undefined;
		const reason = error instanceof WireFormatError ? error.message : 'unreadable data';
		return {
			type: 'error',
			message: `Could not read a BitMart ${topic ?? 'message'}: ${reason}`,
			topic
		};
	}
}

function parseObject(msg: Record<string, unknown>, receivedAt: number): PublicEvent {
	const topic = typeof msg.group === 'string' ? msg.group : undefined;
	if (msg.success === false) return errorFrame(msg, topic);
	// A data frame may echo the action that caused it (e.g. a `request` for a snapshot).
	if (typeof msg.action === 'string' && msg.data === undefined)
		return parseAck(msg, msg.action, topic);
	if (topic === undefined) return { type: 'ignored' };

	const colon = topic.indexOf(':');
	const channel = colon === -1 ? topic : topic.slice(0, colon);
	switch (channel) {
		case 'futures/ticker':
			return { type: 'ticker', topic, ticker: normalizeTicker(msg.data, receivedAt) };
		case 'futures/fundingRate':
			return { type: 'funding', topic, funding: normalizeStreamFunding(msg.data) };
		case 'futures/trade':
			return {
				type: 'trades',
				topic,
				trades: asArray(msg.data, 'trades').map(normalizeStreamTrade)
			};
		default:
			if (channel.startsWith('futures/depthIncrease')) {
				return { type: 'book', topic, book: normalizeDepthIncrease(msg.data) };
			}
			// System pongs and channels nobody asked this parser about.
			return { type: 'ignored' };
	}
}

/** Replies to our own requests: subscribe/unsubscribe acks, and errors for them. */
function parseAck(
	msg: Record<string, unknown>,
	action: string,
	topic: string | undefined
): PublicEvent {
	if (action === 'subscribe' && msg.success === true && topic !== undefined) {
		return { type: 'subscribed', topic };
	}
	return { type: 'ignored' };
}

function errorFrame(msg: Record<string, unknown>, topic: string | undefined): PublicEvent {
	const reason =
		typeof msg.error === 'string' && msg.error.trim() !== ''
			? msg.error.trim().slice(0, 200)
			: 'no reason given';
	const action = typeof msg.action === 'string' ? `${msg.action} ` : '';
	const about = topic ? ` (${topic})` : '';
	return { type: 'error', message: `BitMart refused a ${action}request${about}: ${reason}`, topic };
}
