/**
 * A one-shot private-socket login, used when a key is added. Bitget's login answer names its
 * reason by code (30011 key, 30012 passphrase, 30015 signature), which a REST refusal does not
 * always do (40012 is "API key or passphrase"), so the add-account check can name the passphrase.
 */

import { ExchangeError } from '$lib/exchanges/types';
import type { SocketFactory, SocketLike } from '$lib/net/types';
import { loginFrame, parseLoginReply, type BitgetWsCredentials } from './stream';

/** Long enough for a slow phone network; the login answer normally takes one round trip. */
const LOGIN_TIMEOUT_MS = 15_000;

export async function checkSocketLogin(
	url: string,
	creds: BitgetWsCredentials,
	nowMs: () => number,
	factory: SocketFactory
): Promise<void> {
	const frame = await loginFrame(creds, nowMs());
	const host = hostOf(url);
	let socket: SocketLike;
	try {
		socket = factory(url);
	} catch {
		throw unreachable(host);
	}
	await new Promise<void>((resolve, reject) => {
		let settled = false;
		const finish = (error?: Error) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
			try {
				socket.close(1000, 'login checked');
			} catch {
				// Already closed: nothing to release.
			}
			if (error) reject(error);
			else resolve();
		};
		const timer = setTimeout(
			() =>
				finish(
					new ExchangeError(`${host} did not answer the login in time.`, undefined, 'network')
				),
			LOGIN_TIMEOUT_MS
		);
		socket.onopen = () => socket.send(frame);
		socket.onmessage = (ev) => {
			if (typeof ev.data !== 'string' || ev.data === 'pong') return;
			let msg: unknown;
			try {
				msg = JSON.parse(ev.data);
			} catch {
				return;
			}
			const result = parseLoginReply(msg);
			if (result === null) return;
			finish(result === 'ok' ? undefined : result);
		};
		socket.onerror = () => finish(unreachable(host));
		socket.onclose = () => finish(unreachable(host));
	});
}

function unreachable(host: string): ExchangeError {
	return new ExchangeError(
		`Could not open the private socket at ${host} to check the key's login.`,
		undefined,
		'network'
	);
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the exchange';
	}
}
