/**
 * Client order ids for Bitget: `perch` + 24 random base-36 characters (about 124 bits), well
 * inside what `clientOid` accepts and recognisable in the exchange's own order history.
 */

const PREFIX = 'perch';
const RANDOM_CHARS = 24;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** The largest multiple of 36 below 256: bytes at or above it are redrawn, so no bias. */
const UNBIASED_LIMIT = 252;

export function newClientOrderId(): string {
	let id = PREFIX;
	while (id.length < PREFIX.length + RANDOM_CHARS) {
		for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(RANDOM_CHARS))) {
			if (byte < UNBIASED_LIMIT && id.length < PREFIX.length + RANDOM_CHARS) {
				id += ALPHABET[byte % ALPHABET.length];
			}
		}
	}
	return id;
}
