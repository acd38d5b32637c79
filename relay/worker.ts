/**
 * Cloudflare Workers entry. Configure with vars: RELAY_ORIGINS (required: the Perch origins that
 * may call this relay) and optional RELAY_UPSTREAM_<NAME>=url overrides.
 */
import { createRelay, type RelayHandler } from './handler';
import { originsFromEnv, upstreamsFromEnv, type RelayEnv } from './config';

// Workers reuse an isolate across requests; the env object is stable for a deployment.
let cached: { env: RelayEnv; handler: RelayHandler } | undefined;

function handlerFor(env: RelayEnv): RelayHandler {
	if (cached?.env !== env) {
		const allowedOrigins = originsFromEnv(env, []);
		if (allowedOrigins.length === 0) throw new Error('RELAY_ORIGINS is not set');
		cached = { env, handler: createRelay({ allowedOrigins, upstreams: upstreamsFromEnv(env) }) };
	}
	return cached.handler;
}

export default {
	async fetch(request: Request, env: RelayEnv): Promise<Response> {
		let handler: RelayHandler;
		try {
			handler = handlerFor(env);
		} catch (error) {
			console.error('relay: bad configuration:', error instanceof Error ? error.message : error);
			return new Response(JSON.stringify({ relayError: 'misconfigured', message: 'see logs' }), {
				status: 500,
				headers: { 'Content-Type': 'application/json' }
			});
		}
		return handler(request);
	}
};
