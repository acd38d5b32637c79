import type { AccountObservation } from '$lib/alerts/evaluate';
import type { AccountSession } from './account-session.svelte';
import { positionCards } from './account-views';
import { balanceView } from './views';

/** What the alert evaluator needs from one live account session, read at time `now`. */
export function observeSession(s: AccountSession, now: number): AccountObservation {
	const ratios = s.balances.map((b) => balanceView(b).marginUsage).filter((m) => m !== null);
	return {
		accountId: s.identity.id,
		label: s.identity.label,
		ready: s.snapshot === 'ready',
		streamLive: s.streamLive,
		marginRatio: ratios.length > 0 ? Math.max(...ratios) : null,
		positions: positionCards(s, {}, now).map(({ raw, view }) => {
			const funding = s.funding[raw.symbol];
			const rate = funding ? Number(funding.nextRate) : NaN;
			return {
				key: view.key,
				symbol: raw.symbol,
				side: raw.side,
				size: raw.size,
				liquidationDistance: view.liquidationDistance,
				fundingRate: Number.isFinite(rate) ? rate : null,
				nextFundingTime: funding?.nextFundingTime ?? null
			};
		}),
		orders: s.orders.map((o) => ({
			orderId: o.orderId,
			symbol: o.symbol,
			side: o.side,
			filledSize: o.filledSize
		}))
	};
}
