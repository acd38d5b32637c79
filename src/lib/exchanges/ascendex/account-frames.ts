/**
 * The private frames of one account (notes §3.7), without any socket: the account snapshot and
 * open orders replies, and the pushes. `sn` is strictly increasing per account: an update is
 * applied only when it is newer than everything applied so far, the snapshot included, so an
 * update older than the snapshot (or a duplicate) is ignored.
 */

import type { AccountEvent, AccountSnapshot, Order } from '$lib/exchanges/types';
import { asArray, asObject, isObject, optNumber, type WireObject } from './fields';
import {
	normalizeBalances,
	normalizePositions,
	normalizeRestOrder,
	normalizeStreamOrder
} from './normalize';
import { orderIdSuffix } from './orders';

export class AccountFrames {
	readonly #accountId: string;
	readonly #now: () => number;
	#sn = -1;
	/** Client ids Perch sent (or looks for), by the suffix the server copies into order ids. */
	readonly #clientIds = new Map<string, string>();

	constructor(accountId: string, now: () => number = Date.now) {
		this.#accountId = accountId;
		this.#now = now;
	}

	/** The highest `sn` applied, -1 before any. */
	get sn(): number {
		return this.#sn;
	}

	/** Lets order frames of this client id be recognised as Perch's. */
	track(clientOrderId: string): void {
		this.#clientIds.set(orderIdSuffix(clientOrderId), clientOrderId);
	}

	withClientId(order: Order): Order {
		const id = this.#clientIds.get(order.orderId.slice(-9));
		return id ? { ...order, clientOrderId: id } : order;
	}

	/**
	 * A `futures-account-snapshot` reply and a `futures-open-orders` reply as one snapshot; from
	 * now on only updates newer than its `sn` count.
	 */
	snapshot(account: unknown, openOrders: unknown): AccountSnapshot {
		const now = this.#now();
		const a = asObject(account, 'account snapshot');
		const positions = asArray(a.pos ?? [], 'pos')
			.flatMap((p) => normalizePositions(p, this.#accountId, now))
			.filter((p) => p.size !== '0');
		const orders = asArray(asObject(openOrders, 'open orders').data ?? [], 'open orders data').map(
			(o) => this.withClientId(normalizeRestOrder(o, this.#accountId))
		);
		const sn = optNumber(a, 'sn');
		if (sn !== undefined) this.#sn = sn;
		return {
			balances: normalizeBalances(a.col, a.pos, this.#accountId, now),
			positions: positions as AccountSnapshot['positions'],
			orders,
			positionMode: 'one-way',
			fetchedAt: now
		};
	}

	/** A push: the events it carries, or none when it is not news. Throws on a malformed frame. */
	handle(msg: unknown): AccountEvent[] {
		if (!isObject(msg)) return [];
		if (msg.m === 'futures-account-update') return this.#update(msg);
		if (msg.m === 'futures-order') {
			const order = this.withClientId(normalizeStreamOrder(msg, this.#accountId));
			return [{ type: 'order', order }];
		}
		return [];
	}

	#update(msg: WireObject): AccountEvent[] {
		const sn = optNumber(msg, 'sn');
		if (sn === undefined) return [{ type: 'error', message: 'An account update had no sn.' }];
		if (sn <= this.#sn) return [];
		const now = this.#now();
		const events: AccountEvent[] = [];
		// An update's `pos` may list only the positions that moved, so it cannot give equity: the
		// balance alone goes out, and the next snapshot brings equity again.
		for (const balance of normalizeBalances(msg.col, [], this.#accountId, now)) {
			events.push({
				type: 'balance',
				balance: { asset: balance.asset, available: balance.available, updatedAt: now }
			});
		}
		for (const row of asArray(msg.pos ?? [], 'pos')) {
			for (const position of normalizePositions(row, this.#accountId, now)) {
				events.push({ type: 'position', position });
			}
		}
		this.#sn = sn;
		return events;
	}
}
