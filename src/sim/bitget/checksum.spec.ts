import { describe, expect, it } from 'vitest';
import { bookChecksum, checksumString, crc32Signed } from './checksum';

describe('books checksum (notes §3.5)', () => {
	it('interleaves bid:ask and skips the missing side, as in the docs example', () => {
		const bids = [['3366.1', '7']] as const;
		const asks = [
			['3366.8', '9'],
			['3368', '8'],
			['3372', '8']
		] as const;
		expect(checksumString(bids, asks)).toBe('3366.1:7:3366.8:9:3368:8:3372:8');
		// zlib.crc32 of that string, computed with Python's zlib (positive as a signed int32).
		expect(bookChecksum(bids, asks)).toBe(831078360);
	});

	it('is a signed 32-bit CRC32 (IEEE)', () => {
		// Python: zlib.crc32(b'a') = 0xe8b7be43, which is negative as a signed int32.
		expect(crc32Signed('a')).toBe(-390611389);
		expect(crc32Signed('')).toBe(0);
	});

	it('uses the strings as sent: "3368" and "3368.0" differ', () => {
		expect(bookChecksum([['3368', '8']], [])).not.toBe(bookChecksum([['3368.0', '8']], []));
	});

	it('takes 25 levels per side and no more', () => {
		const side = (base: number) =>
			Array.from({ length: 30 }, (_, i) => [String(base + i), '1'] as const);
		const parts = checksumString(side(100), side(200)).split(':');
		expect(parts).toHaveLength(100);
		expect(parts.slice(-4)).toEqual(['124', '1', '224', '1']);
	});
});
