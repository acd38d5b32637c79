/**
 * The `books` checksum from the notes: interleave the top 25 levels as
 * bid1Price:bid1Size:ask1Price:ask1Size:..., skipping missing entries when a side is shorter, using
 * the ORIGINAL price/size strings; CRC32 (zlib/IEEE) of that, as a signed 32-bit integer.
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

/** CRC32 (IEEE) of the UTF-8 bytes, as a signed int32. */
export function crc32Signed(text: string): number {
	let crc = -1;
	for (const byte of encoder.encode(text)) crc = TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ -1) | 0;
}

export type BookLevel = readonly [price: string, size: string];

export function checksumString(bids: readonly BookLevel[], asks: readonly BookLevel[]): string {
	const parts: string[] = [];
	for (let i = 0; i < 25; i++) {
		if (i < bids.length) parts.push(bids[i][0], bids[i][1]);
		if (i < asks.length) parts.push(asks[i][0], asks[i][1]);
	}
	return parts.join(':');
}

export function bookChecksum(bids: readonly BookLevel[], asks: readonly BookLevel[]): number {
	return crc32Signed(checksumString(bids, asks));
}
