/**
 * How one account's credentials are sealed and opened.
 *
 * The ciphertext is bound (as AES-GCM additional data) to the account's id, label, venue and
 * endpoints: someone who can write to storage but not read the key cannot swap two accounts'
 * blobs or point an account at their own host without the record failing to decrypt.
 */
import type { AccountRecord, EncryptedBlob } from '$lib/db/schema';
import { decryptJson, encryptJson } from './crypto';
import { CorruptAccountError, DecryptionError } from './errors';

export interface Credentials {
	apiKey: string;
	secret: string;
	/** BitMart's memo or Bitget's passphrase; '' for venues without one. */
	memo: string;
}

type BoundFields = Pick<AccountRecord, 'id' | 'label' | 'venue' | 'endpoints'>;

export function accountContext(account: BoundFields): string {
	const { id, label, venue, endpoints } = account;
	return JSON.stringify([
		'perch-account-v1',
		id,
		label,
		venue,
		endpoints.rest,
		endpoints.publicWs,
		endpoints.privateWs
	]);
}

export function sealCredentials(
	key: CryptoKey,
	account: BoundFields,
	credentials: Credentials
): Promise<EncryptedBlob> {
	const { apiKey, secret, memo } = credentials;
	return encryptJson(key, { apiKey, secret, memo }, accountContext(account));
}

/** Throws CorruptAccountError naming the account when the record was altered or is malformed. */
export async function openCredentials(
	key: CryptoKey,
	account: AccountRecord
): Promise<Credentials> {
	let value: unknown;
	try {
		value = await decryptJson<unknown>(key, account.secret, accountContext(account));
	} catch (error) {
		if (error instanceof DecryptionError) throw new CorruptAccountError(account.id, account.label);
		throw error;
	}
	if (!isCredentials(value)) throw new CorruptAccountError(account.id, account.label);
	return value;
}

function isCredentials(value: unknown): value is Credentials {
	if (typeof value !== 'object' || value === null) return false;
	const { apiKey, secret, memo } = value as Record<string, unknown>;
	return (
		typeof apiKey === 'string' &&
		apiKey !== '' &&
		typeof secret === 'string' &&
		secret !== '' &&
		typeof memo === 'string'
	);
}
