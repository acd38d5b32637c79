import { bitmartSign } from './test-client';

/** A signed BitMart REST client for specs, built on node:crypto, independent of the simulator. */

export interface Envelope {
	code: number;
	message: string;
	trace: string;
	data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface TestKey {
	apiKey: string;
	secret: string;
	memo: string;
}

export function restClient(baseUrl: string, key: TestKey) {
	function headers(payload: string): Record<string, string> {
		const ts = String(Date.now());
		return {
			'Content-Type': 'application/json',
			'X-BM-KEY': key.apiKey,
			'X-BM-TIMESTAMP': ts,
			'X-BM-SIGN': bitmartSign(key.secret, ts, key.memo, payload)
		};
	}
	return {
		async get(path: string, params: Record<string, string | number> = {}) {
			const query = new URLSearchParams(
				Object.entries(params).map(([k, v]) => [k, String(v)])
			).toString();
			const res = await fetch(`${baseUrl}${path}${query ? `?${query}` : ''}`, {
				headers: headers(query)
			});
			return { status: res.status, json: (await res.json()) as Envelope };
		},
		async post(path: string, body: unknown) {
			const text = JSON.stringify(body);
			const res = await fetch(baseUrl + path, {
				method: 'POST',
				headers: headers(text),
				body: text
			});
			return { status: res.status, json: (await res.json()) as Envelope };
		}
	};
}
