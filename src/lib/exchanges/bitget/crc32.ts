/**
 * CRC-32 as zlib computes it (IEEE 802.3, reflected polynomial 0xEDB88320), over the UTF-8 bytes
 * of a string. Bitget's book checksum compares it as a signed 32-bit integer.
 */

const TABLE = (() => {
	const table = new Int32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c;
	}
	return table;
})();

const encoder = new TextEncoder();

/** The CRC-32 of `text`'s UTF-8 bytes, as a signed 32-bit integer (what Bitget sends). */
export function crc32Signed(text: string): number {
	const bytes = encoder.encode(text);
	let crc = -1;
	for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return ~crc | 0;
}

/** The same checksum as zlib prints it, 0 ..= 0xFFFFFFFF. */
export function crc32Unsigned(text: string): number {
	return crc32Signed(text) >>> 0;
}
