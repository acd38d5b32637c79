import type { ReconnectPolicy } from './types';

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
	initialDelayMs: 500,
	maxDelayMs: 30_000,
	jitter: 0.3,
	maxAttempts: Infinity
};

/**
 * The wait before reconnect attempt number `attempt` (0 for the first retry): doubling from
 * initialDelayMs, capped at maxDelayMs, with the `jitter` share of it drawn at random so that
 * many tabs dropped by the same outage do not all knock on the server at the same moment.
 */
export function backoffDelay(
	attempt: number,
	policy: ReconnectPolicy,
	random: () => number = Math.random
): number {
	const exponent = Math.min(Math.max(attempt, 0), 30);
	const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
	const jitter = Math.min(Math.max(policy.jitter, 0), 1);
	return Math.round(base * (1 - jitter) + base * jitter * random());
}
