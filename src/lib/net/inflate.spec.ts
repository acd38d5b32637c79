import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateRawFrame, isBinaryFrame } from './inflate';

const text = JSON.stringify({ group: 'futures/ticker', data: { price: '42000.1', note: 'é€' } });
const deflated = deflateRawSync(Buffer.from(text, 'utf8'));

describe('inflateRawFrame', () => {
	it('inflates a Node Buffer, an ArrayBuffer, a view into a larger buffer and a Blob', async () => {
		const arrayBuffer = deflated.buffer.slice(
			deflated.byteOffset,
			deflated.byteOffset + deflated.byteLength
		);
		const padded = new Uint8Array(deflated.byteLength + 8);
		padded.set(deflated, 4);
		expect(await inflateRawFrame(deflated)).toBe(text);
		expect(await inflateRawFrame(arrayBuffer)).toBe(text);
		expect(await inflateRawFrame(padded.subarray(4, 4 + deflated.byteLength))).toBe(text);
		expect(await inflateRawFrame(new Blob([arrayBuffer]))).toBe(text);
	});

	it('rejects data that is not raw deflate', async () => {
		await expect(inflateRawFrame(new TextEncoder().encode('{"plain":"json"}'))).rejects.toThrow();
	});

	it('recognises binary payloads and not strings', () => {
		expect(isBinaryFrame(new ArrayBuffer(2))).toBe(true);
		expect(isBinaryFrame(Buffer.from('x'))).toBe(true);
		expect(isBinaryFrame(new Blob(['x']))).toBe(true);
		expect(isBinaryFrame('x')).toBe(false);
		expect(isBinaryFrame(null)).toBe(false);
	});
});
