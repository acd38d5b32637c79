import { createHmac } from 'node:crypto';

/** A signed Bitget REST client for specs, on node:crypto, independent of the simulator's code. */

export interface BitgetEnvelope {
	code: string;
	msg: string;
	requestTime: number;
	data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface BitgetTestKey {
	apiKey: string;
	secret: string;
	passphrase: string;
}

export function bitgetSign(secret: string, prehash: string): string {
	return createHmac('sha256', secret).update(prehash).digest('base64');
}

export interface CallOptions {
	/** Send `paptrading: 1` (a demo-trading call). */
	demo?: boolean;
	/** Milliseconds added to the signing timestamp (a skewed client clock). */
	skewMs?: number;
	passphrase?: string;
	/** Sign with this secret instead of the key's. */
	secret?: string;
	/** The query string exactly as sent (and signed), overriding the sorted one. */
	rawQuery?: string;
}

export function bitgetClient(baseUrl: string, key: BitgetTestKey) {
	function headers(method: string, path: string, query: string, body: string, o: CallOptions) {
		const ts = String(Date.now() + (o.skewMs ?? 0));
		const prehash = `${ts}${method}${path}${query ? `?${query}` : ''}${body}`;
		const h: Record<string, string> = {
			'Content-Type': 'application/json',
			locale: 'en-US',
			'ACCESS-KEY': key.apiKey,
			'ACCESS-TIMESTAMP': ts,
			'ACCESS-PASSPHRASE': o.passphrase ?? key.passphrase,
			'ACCESS-SIGN': bitgetSign(o.secret ?? key.secret, prehash)
		};
		if (o.demo) h.paptrading = '1';
		return h;
	}
	return {
		async get(path: string, params: Record<string, string | number> = {}, o: CallOptions = {}) {
			const query =
				o.rawQuery ??
				Object.keys(params)
					.sort()
					.map((k) => `${k}=${encodeURIComponent(String(params[k]))}`)
					.join('&');
			const res = await fetch(`${baseUrl}${path}${query ? `?${query}` : ''}`, {
				headers: headers('GET', path, query, '', o)
			});
			return { status: res.status, json: (await res.json()) as BitgetEnvelope };
		},
		async post(path: string, body: unknown, o: CallOptions = {}) {
			const text = JSON.stringify(body);
			const res = await fetch(baseUrl + path, {
				method: 'POST',
				headers: headers('POST', path, '', text, o),
				body: text
			});
			return { status: res.status, json: (await res.json()) as BitgetEnvelope };
		}
	};
}

/** The login frame for the private socket (seconds timestamp). */
export function bitgetLogin(
	key: BitgetTestKey,
	o: { skewS?: number; passphrase?: string; secret?: string } = {}
) {
	const timestamp = String(Math.floor(Date.now() / 1000) + (o.skewS ?? 0));
	return {
		op: 'login',
		args: [
			{
				apiKey: key.apiKey,
				passphrase: o.passphrase ?? key.passphrase,
				timestamp,
				sign: bitgetSign(o.secret ?? key.secret, `${timestamp}GET/user/verify`)
			}
		]
	};
}
