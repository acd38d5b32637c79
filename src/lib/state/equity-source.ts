import { equityValues } from '$lib/domain/equity';
import type { AccountSession } from './account-session.svelte';
import type { EquitySource } from './equity-sampler';

/** What the equity sampler reads from one live session. */
export function sessionEquitySource(s: AccountSession): EquitySource {
	return {
		accountId: s.identity.id,
		get ready() {
			return s.dataLive && s.snapshot === 'ready';
		},
		values() {
			const contractSizes: Record<string, string | undefined> = {};
			const marks: Record<string, string | undefined> = {};
			for (const p of s.positions) {
				contractSizes[p.symbol] = s.instruments[p.symbol]?.contractSize;
				marks[p.symbol] = s.marks[p.symbol]?.price;
			}
			const settle = s.positions.map((p) => s.instruments[p.symbol]?.settle).find(Boolean);
			const asset =
				settle ?? (s.balances.some((b) => b.asset === 'USDT') ? 'USDT' : s.balances[0]?.asset);
			return equityValues({
				balances: s.balances,
				positions: s.positions,
				contractSizes,
				marks,
				asset
			});
		}
	};
}
