import { keyExpiry } from '$lib/domain/key-expiry';
import { sizeRulesOf, venueName } from '$lib/exchanges/registry';
import type { Position } from '$lib/exchanges/types';
import type { AccountSession } from './account-session.svelte';
import { asOfText } from './last-known-text';
import { positionKey, type PositionLock } from './order-gate';
import type { AccountView, PositionView } from './view-models';
import { balanceView, positionView } from './views';

/** What an account's summary shows, read from its live session at time `now`. */
export function accountView(s: AccountSession, now: number): AccountView {
	return {
		id: s.identity.id,
		label: s.identity.label,
		venue: s.identity.venue,
		venueName: venueName(s.identity.venue),
		status: s.status,
		snapshot: s.snapshot,
		error: s.error,
		positionMode: s.positionMode,
		balances: s.balances
			.map(balanceView)
			.sort((a, b) => (a.asset === 'USDT' ? -1 : b.asset === 'USDT' ? 1 : 0)),
		positionCount: s.positions.length,
		orderCount: s.orders.length,
		snapshotAgeMs: s.snapshotAt ? now - s.snapshotAt : null,
		clockSkewMs: s.clockSkewMs,
		keyExpiry: keyExpiry(s.identity.keyExpiresAt, now),
		lastKnown: lastKnownText(s, now)
	};
}

function lastKnownText(s: AccountSession, now: number): string | null {
	const at = s.lastKnownAt;
	return at === null ? null : asOfText(at, now);
}

/** A position card: the exchange's row (what a close is asked for) and what the card shows. */
export interface PositionCardModel {
	raw: Position;
	view: PositionView;
}

/** The session's position cards, each marked closing / checking from the gate's locks. */
export function positionCards(
	s: AccountSession,
	locks: Record<string, PositionLock>,
	now: number
): PositionCardModel[] {
	const lastKnown = lastKnownText(s, now);
	return s.positions.map((p) => {
		const lock = locks[positionKey(p)];
		return {
			raw: p,
			view: {
				...positionView(p, {
					accountLabel: s.identity.label,
					sizeUnit: sizeRulesOf(s.identity.venue).unit,
					instrument: s.instruments[p.symbol],
					mark: s.marks[p.symbol],
					funding: s.funding[p.symbol],
					closing: lock !== undefined,
					checking: lock?.state === 'checking' ? lock.clientOrderIds : [],
					now
				}),
				lastKnown
			}
		};
	});
}
