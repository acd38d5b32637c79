import type { SimAccount } from './accounts';
import { ERRORS, SimRestError } from './errors';
import { constantTimeEqual, hmacHex } from './hmac';

/** Docs: a request whose timestamp is more than a minute away from server time is refused. */
export const TIMESTAMP_WINDOW_MS = 60_000;

export interface AuthInput {
	method: string;
	headers: Record<string, string>;
	/** The raw query string without '?', exactly as sent. */
	query: string;
	body: string;
}

/**
 * Check a private request the way the docs describe: KEYED endpoints need a known X-BM-KEY and
 * nothing else; SIGNED endpoints also need X-BM-TIMESTAMP within a minute and X-BM-SIGN =
 * hex(HMAC-SHA256(secret, `${timestamp}#${memo}#${payload}`)), payload being the raw JSON body
 * for POST and the raw form-format query string for GET. A signature or timestamp sent to a KEYED
 * endpoint is not looked at: the docs do not ask for one, and the published bitmart-api SDK
 * sends one built over "?query" that BitMart accepts.
 */
export async function authenticate(
	input: AuthInput,
	signed: boolean,
	findAccount: (apiKey: string) => SimAccount | undefined,
	now: number
): Promise<SimAccount> {
	const apiKey = input.headers['x-bm-key'];
	if (!apiKey) throw new SimRestError(ERRORS.keyEmpty);
	const account = findAccount(apiKey);
	if (!account) throw new SimRestError(ERRORS.keyNotFound);
	if (!signed) return account;
	const sign = input.headers['x-bm-sign'];
	if (!sign) throw new SimRestError(ERRORS.signEmpty);
	const timestamp = input.headers['x-bm-timestamp'];
	if (!timestamp) throw new SimRestError(ERRORS.timestampEmpty);
	if (!/^\d{1,16}$/.test(timestamp)) throw new SimRestError(ERRORS.timestampFormat);
	if (Math.abs(now - Number(timestamp)) > TIMESTAMP_WINDOW_MS) {
		throw new SimRestError(ERRORS.timestampRange);
	}
	const payload = input.method === 'GET' || input.method === 'DELETE' ? input.query : input.body;
	const expected = await hmacHex(await account.hmacKey, `${timestamp}#${account.memo}#${payload}`);
	if (!constantTimeEqual(sign, expected)) throw new SimRestError(ERRORS.signWrong);
	return account;
}

/** The private socket's login: sign over `${timestamp}#${memo}#bitmart.WebSocket`; `dev` is free text ("web"). */
export async function verifySocketLogin(
	args: unknown,
	findAccount: (apiKey: string) => SimAccount | undefined,
	now: number
): Promise<{ account: SimAccount } | { error: string }> {
	// Docs, "【Private】Login": exactly [API_KEY, timestamp, sign, dev], all strings.
	if (!Array.isArray(args) || args.length !== 4 || !args.every((a) => typeof a === 'string')) {
		return { error: 'access failed: invalid args' };
	}
	const [apiKey, timestamp, sign] = args as string[];
	const masked = `${apiKey.slice(0, 10)}****`;
	const failed = `access failed: openapi auth: apiKey ${masked} failed: openapi auth failed`;
	const account = findAccount(apiKey);
	if (!account) return { error: failed };
	if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > TIMESTAMP_WINDOW_MS) {
		return { error: failed };
	}
	const expected = await hmacHex(
		await account.hmacKey,
		`${timestamp}#${account.memo}#bitmart.WebSocket`
	);
	return constantTimeEqual(sign, expected) ? { account } : { error: failed };
}
