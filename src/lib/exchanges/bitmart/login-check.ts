/**
 * A one-shot private-socket login, used when a key is added. Every GET Perch makes is KEYED (the
 * key header alone), so a wrong secret or memo would pass them and show up only at the first
 * close. The `access` login is signed with both, costs nothing and changes nothing: it is the
 * check for them.
 */

import { ExchangeError } from '$lib/exchanges/types';
import type { ServerClock } from '$lib/net/clock';
import { inflateRawFrame, isBinaryFrame } from '$lib/net/inflate';
import type { SocketFactory, SocketLike } from '$lib/net/types';
import { bitmartPrivateProtocol, type BitmartWsCredentials } from './stream';

/** Long enough for a slow phone network; the login answer normally takes one round trip. */
const LOGIN_TIMEOUT_MS = 15_000;

export async function checkSocketLogin(
	url: string,
	creds: BitmartWsCredentials,
	clock: ServerClock,
	factory: SocketFactory
): Promise<void> {
	const protocol = bitmartPrivateProtocol(creds, clock);
	const frame = await protocol.loginFrame!();
	const host = hostOf(url);
	let socket: SocketLike;
	try {
		socket = factory(url);
	} catch {
		throw unreachable(host);
	}
	await new Promise<void>((resolve, reject) => {
		let settled = false;
		const finish = (error?: ExchangeError) => {
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
		socket.binaryType = 'arraybuffer';
		socket.onopen = () => socket.send(frame);
		socket.onmessage = (ev) =>
			void decode(ev.data).then((text) => {
				const result = protocol.loginResult!(parse(text));
				if (result === null) return;
				finish(result === 'ok' ? undefined : refused());
			});
		socket.onerror = () => finish(unreachable(host));
		socket.onclose = () => finish(unreachable(host));
	});
}

/** BitMart's login refusal names no cause; the key was accepted just before, so it is the signature. */
function refused(): ExchangeError {
	return new ExchangeError(
		'BitMart refused the request — wrong memo or secret — signature rejected: the key is ' +
			'valid, but a login signed with this secret and memo was refused. Check the API secret ' +
			"and memo (and this device's clock).",
		undefined,
		'signature'
	);
}

function unreachable(host: string): ExchangeError {
	return new ExchangeError(
		`Could not open the private socket at ${host} to check the secret and memo.`,
		undefined,
		'network'
	);
}

async function decode(data: unknown): Promise<string> {
	if (typeof data === 'string') return data;
	if (isBinaryFrame(data)) return inflateRawFrame(data).catch(() => '');
	return '';
}

function parse(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the exchange';
	}
}
