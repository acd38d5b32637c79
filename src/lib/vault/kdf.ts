/** Passphrase → vault key. PBKDF2 because it is the one password KDF Web Crypto has everywhere. */

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. Stored per vault so it can be raised later. */
export const DEFAULT_ITERATIONS = 600_000;
/** A new vault, a new passphrase or an imported backup never uses fewer. */
export const MIN_ITERATIONS = 600_000;
/** A backup file naming more than this would freeze the page; nobody needs it. */
export const MAX_ITERATIONS = 10_000_000;
export const SALT_BYTES = 16;

/**
 * The one bounds check on a PBKDF2 iteration count, for a new vault, a stored one at unlock and
 * an imported backup: null when acceptable, else the reason.
 */
export function checkIterations(iterations: unknown, min = MIN_ITERATIONS): string | null {
	if (
		typeof iterations !== 'number' ||
		!Number.isInteger(iterations) ||
		iterations < min ||
		iterations > MAX_ITERATIONS
	) {
		return `the iteration count must be an integer from ${min} to ${MAX_ITERATIONS}`;
	}
	return null;
}

const encoder = new TextEncoder();

/** A non-extractable AES-256-GCM key: script can use it, but never read it out. */
export async function deriveVaultKey(
	passphrase: string,
	salt: Uint8Array<ArrayBuffer>,
	iterations: number
): Promise<CryptoKey> {
	if (!Number.isInteger(iterations) || iterations < 1) {
		throw new RangeError('PBKDF2 iterations must be a positive integer');
	}
	if (salt.length < SALT_BYTES)
		throw new RangeError(`The salt must be at least ${SALT_BYTES} bytes`);
	const material = await crypto.subtle.importKey(
		'raw',
		encoder.encode(passphrase),
		'PBKDF2',
		false,
		['deriveKey']
	);
	return crypto.subtle.deriveKey(
		{ name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
		material,
		{ name: 'AES-GCM', length: 256 },
		false,
		// encrypt/decrypt: the verifier (and, in vaults from before the data key, the accounts);
		// wrapKey/unwrapKey: the data key.
		['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']
	);
}

export function newSalt(): Uint8Array<ArrayBuffer> {
	return crypto.getRandomValues(new Uint8Array(SALT_BYTES));
}
