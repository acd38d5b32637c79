/**
 * Relay settings from environment variables, shared by the Node script and the Workers entry:
 * RELAY_ORIGINS (comma list of exact origins) and RELAY_UPSTREAM_<NAME>=url, where NAME maps to a
 * route by lower-casing and turning `_` into `-` (RELAY_UPSTREAM_BITMART_DEMO → /bitmart-demo/).
 */
import { DEFAULT_UPSTREAMS } from './handler';

export const LOCAL_DEV_ORIGINS = ['http://127.0.0.1:4173', 'http://localhost:4173'];

export type RelayEnv = Record<string, string | undefined>;

/** The origins in RELAY_ORIGINS, or `fallback` when it is unset or empty. */
export function originsFromEnv(env: RelayEnv, fallback: string[]): string[] {
	const listed = (env.RELAY_ORIGINS ?? '')
		.split(',')
		.map((origin) => origin.trim())
		.filter((origin) => origin !== '');
	return listed.length > 0 ? listed : fallback;
}

/** The default exchange hosts with any RELAY_UPSTREAM_<NAME> overrides (or additions) applied. */
export function upstreamsFromEnv(env: RelayEnv): Record<string, string> {
	const upstreams: Record<string, string> = { ...DEFAULT_UPSTREAMS };
	for (const [key, value] of Object.entries(env)) {
		const match = /^RELAY_UPSTREAM_([A-Z0-9_]+)$/.exec(key);
		if (!match || !value) continue;
		upstreams[match[1].toLowerCase().replaceAll('_', '-')] = value.trim();
	}
	return upstreams;
}
