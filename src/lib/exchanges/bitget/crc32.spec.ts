import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Signed, crc32Unsigned } from './crc32';

describe('crc32', () => {
	it('gives the standard check value, signed as Bitget compares it', () => {
		// The CRC-32/ISO-HDLC check value for "123456789" is 0xCBF43926.
		expect(crc32Unsigned('123456789')).toBe(0xcbf43926);
		expect(crc32Signed('123456789')).toBe(-873187034);
		expect(crc32Signed('')).toBe(0);
	});

	it("gives the same value as Python's zlib for the Bitget docs' example string", () => {
		// zlib.crc32(b'3366.1:7:3366.8:9:3368:8:3372:8') == 831078360 (Python 3).
		expect(crc32Signed('3366.1:7:3366.8:9:3368:8:3372:8')).toBe(831078360);
	});

	it("agrees with Node's zlib on assorted strings, including non-ASCII", () => {
		const samples = ['a', 'pong', '65000.1:0.5:65000.2:1.25', 'é€😀', 'x'.repeat(1000)];
		for (let i = 0; i < 50; i++) samples.push(String(Math.sin(i) * 1e6) + ':' + i);
		for (const text of samples) {
			expect(crc32Unsigned(text), text).toBe(zlibCrc32(text));
			expect(crc32Signed(text), text).toBe(zlibCrc32(text) | 0);
		}
	});
});
