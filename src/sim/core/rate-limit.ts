/** The documented per-endpoint limits (docs: "Rate Limit"); all windows are 2 seconds. */
const LIMITS: Record<string, number> = {
	'/contract/public/details': 12,
	'/contract/public/depth': 12,
	'/contract/public/open-interest': 2,
	'/contract/public/funding-rate': 12,
	'/contract/public/funding-rate-history': 12,
	'/contract/public/kline': 12,
	'/contract/public/markprice-kline': 12,
	'/contract/public/leverage-bracket': 12,
	'/contract/public/market-trade': 12,
	'/contract/private/submit-order': 24,
	'/contract/private/cancel-order': 40,
	'/contract/private/cancel-orders': 2,
	'/contract/private/set-position-mode': 2,
	'/contract/private/get-position-mode': 2,
	'/contract/private/get-open-orders': 50,
	'/contract/private/order': 50,
	'/contract/private/order-history': 6,
	'/contract/private/trades': 6,
	'/contract/private/transaction-history': 6,
	'/contract/private/assets-detail': 12,
	'/contract/private/position': 6,
	'/contract/private/position-v2': 6,
	'/contract/private/submit-leverage': 24,
	'/contract/private/trade-fee-rate': 2
};

export const RATE_WINDOW_MS = 2000;

export interface RateVerdict {
	allowed: boolean;
	limit: number;
	used: number;
}

/** A sliding 2 s window per (endpoint, limit target: IP for public, API key for private). */
export class RateLimiter {
	readonly #hits = new Map<string, number[]>();

	check(path: string, target: string, now: number): RateVerdict | undefined {
		const limit = LIMITS[path];
		if (limit === undefined) return undefined;
		const key = `${path}|${target}`;
		const recent = (this.#hits.get(key) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
		const allowed = recent.length < limit;
		if (allowed) recent.push(now);
		this.#hits.set(key, recent);
		return { allowed, limit, used: recent.length };
	}
}
