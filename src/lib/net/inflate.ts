/** A binary WebSocket payload as browsers (ArrayBuffer, Blob) and Node's `ws` (Buffer) deliver it. */
export type BinaryFrame = ArrayBuffer | ArrayBufferView | Blob;

export function isBinaryFrame(data: unknown): data is BinaryFrame {
	return (
		data instanceof ArrayBuffer ||
		ArrayBuffer.isView(data) ||
		(typeof Blob !== 'undefined' && data instanceof Blob)
	);
}

/** Inflates a raw-DEFLATE frame (no zlib header) and decodes it as UTF-8. Rejects on corrupt data. */
export async function inflateRawFrame(data: BinaryFrame): Promise<string> {
	const blob = data instanceof Blob ? data : new Blob([toArrayBuffer(data)]);
	const inflated = blob.stream().pipeThrough(new DecompressionStream('deflate-raw'));
	return new Response(inflated).text();
}

function toArrayBuffer(data: ArrayBuffer | ArrayBufferView): ArrayBuffer {
	if (data instanceof ArrayBuffer) return data;
	// Copy: a Node Buffer is a view into a shared pool, and Blob wants a plain ArrayBuffer.
	const copy = new Uint8Array(data.byteLength);
	copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
	return copy.buffer;
}
