/**
 * How one account's credentials are sealed and opened.
 *
 * The ciphertext is bound (as AES-GCM additional data) to the account's id, label, venue,
 * endpoints and endpoint preset: someone who can write to storage but not read the key cannot
 * swap two accounts' blobs, point an account at their own host, or switch it to another preset
 * (whose headers may select another environment) without the record failing to decrypt.
 *
 * The sealed JSON is venue-neutral: `{ v: 2, apiKey, secret, fields }`, `fields` holding the
 * venue's extra credentials by the registry's field ids. Records sealed by earlier versions
 * (format 1: no `v`, the one extra under a fixed key, no preset bound) still open; the vault
 * re-seals them in the current format.
 */
import type { AccountRecord, EncryptedBlob } from '$lib/db/schema';
import { fieldsFromFormat1 } from '$lib/exchanges/registry';
import { decryptJson, encryptJson } from './crypto';
import { CorruptAccountError, DecryptionError } from './errors';

export interface Credentials {
	apiKey: string;
	secret: string;
	/** The venue's extra credentials by field id; empty for venues without any. */
	fields: Record<string, string>;
	/**
	 * What the adapter learned about the key when it was added (an account group, which secret
	 * form signs), sealed with the key so it is bound to the account like the rest.
	 */
	learned?: Record<string, string>;
	/** When the venue said the key expires, Unix ms. */
	keyExpiresAt?: number;
}

export const CREDENTIALS_FORMAT = 2;

type BoundFields = Pick<AccountRecord, 'id' | 'label' | 'venue' | 'endpoints' | 'presetId'>;

/**
 * A record with a preset id is bound to it (format 2); one without is a format-1 record, bound as
 * it always was. Adding or removing the preset id therefore also makes a record fail to open.
 */
export function accountContext(account: BoundFields): string {
	const { id, label, venue, endpoints, presetId } = account;
	const where = [endpoints.rest, endpoints.publicWs, endpoints.privateWs];
	if (presetId === undefined)
		return JSON.stringify(['perch-account-v1', id, label, venue, ...where]);
	return JSON.stringify(['perch-account-v2', id, label, venue, presetId, ...where]);
}

/** Seals in the current format; the account must carry its preset id. */
export function sealCredentials(
	key: CryptoKey,
	account: BoundFields & { presetId: string },
	credentials: Credentials
): Promise<EncryptedBlob> {
	const { apiKey, secret, fields, learned, keyExpiresAt } = credentials;
	const payload = {
		v: CREDENTIALS_FORMAT,
		apiKey,
		secret,
		fields: { ...fields },
		// Optional and additive: records without them open exactly as before.
		...(learned && Object.keys(learned).length > 0 ? { learned: { ...learned } } : {}),
		...(keyExpiresAt !== undefined ? { keyExpiresAt } : {})
	};
	return encryptJson(key, payload, accountContext(account));
}

export interface OpenedCredentials {
	credentials: Credentials;
	/** Sealed in an earlier format: re-seal it. */
	outdated: boolean;
}

/** Throws CorruptAccountError naming the account when the record was altered or is malformed. */
export async function openCredentials(
	key: CryptoKey,
	account: AccountRecord
): Promise<OpenedCredentials> {
	let value: unknown;
	try {
		value = await decryptJson<unknown>(key, account.secret, accountContext(account));
	} catch (error) {
		if (error instanceof DecryptionError) throw new CorruptAccountError(account.id, account.label);
		throw error;
	}
	const credentials = readCredentials(account, value);
	if (!credentials) throw new CorruptAccountError(account.id, account.label);
	const current = (value as { v?: unknown }).v === CREDENTIALS_FORMAT;
	return { credentials, outdated: !current || account.presetId === undefined };
}

function readCredentials(account: AccountRecord, value: unknown): Credentials | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
	const payload = value as Record<string, unknown>;
	const { apiKey, secret } = payload;
	if (typeof apiKey !== 'string' || apiKey === '') return null;
	if (typeof secret !== 'string' || secret === '') return null;
	const fields =
		payload.v === undefined
			? fieldsFromFormat1(account.venue, payload)
			: payload.v === CREDENTIALS_FORMAT
				? stringRecord(payload.fields)
				: null;
	if (!fields) return null;
	const credentials: Credentials = { apiKey, secret, fields };
	if (payload.learned !== undefined) {
		const learned = stringRecord(payload.learned);
		if (!learned) return null;
		credentials.learned = learned;
	}
	if (payload.keyExpiresAt !== undefined) {
		if (typeof payload.keyExpiresAt !== 'number' || !Number.isFinite(payload.keyExpiresAt)) {
			return null;
		}
		credentials.keyExpiresAt = payload.keyExpiresAt;
	}
	return credentials;
}

function stringRecord(value: unknown): Record<string, string> | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(value)) {
		if (typeof v !== 'string') return null;
		out[k] = v;
	}
	return out;
}
