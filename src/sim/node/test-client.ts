import { createHmac } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';

/** Test helpers written against node:crypto and `ws`, independent of the simulator's code. */

export function bitmartSign(secret: string, timestamp: string, memo: string, payload: string) {
	return createHmac('sha256', secret).update(`${timestamp}#${memo}#${payload}`).digest('hex');
}

type Json = Record<string, unknown> & { data?: unknown; group?: string };

/** A `ws` client that keeps every frame and lets a test wait for the next matching one. */
export class TestSocket {
	readonly frames: Array<{ text: string; json: Json | undefined; binary: boolean }> = [];
	readonly closed: Promise<{ code: number; reason: string }>;
	readonly #ws: WebSocket;
	#cursor = 0;
	#wake: (() => void) | undefined;

	private constructor(ws: WebSocket) {
		this.#ws = ws;
		this.closed = new Promise((resolve) =>
			ws.on('close', (code, reason) => {
				resolve({ code, reason: reason.toString() });
				this.#wake?.();
			})
		);
		ws.on('message', (data: Buffer, isBinary) => {
			const text = isBinary ? inflateRawSync(data).toString('utf8') : data.toString('utf8');
			let json: Json | undefined;
			try {
				json = JSON.parse(text) as Json;
			} catch {
				json = undefined;
			}
			this.frames.push({ text, json, binary: isBinary });
			this.#wake?.();
		});
	}

	static async open(url: string): Promise<TestSocket> {
		const ws = new WebSocket(url);
		const socket = new TestSocket(ws);
		await new Promise<void>((resolve, reject) => {
			ws.once('open', () => resolve());
			ws.once('error', reject);
		});
		return socket;
	}

	get readyState(): number {
		return this.#ws.readyState;
	}

	send(message: unknown): void {
		this.#ws.send(typeof message === 'string' ? message : JSON.stringify(message));
	}

	/** The next frame (after the last one returned) whose JSON matches; skips the rest. */
	async next(match: (m: Json) => boolean, timeoutMs = 3000): Promise<Json> {
		const frame = await this.nextFrame((f) => f.json !== undefined && match(f.json), timeoutMs);
		return frame.json!;
	}

	async nextFrame(
		match: (f: TestSocket['frames'][number]) => boolean,
		timeoutMs = 3000
	): Promise<TestSocket['frames'][number]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			while (this.#cursor < this.frames.length) {
				const frame = this.frames[this.#cursor++];
				if (match(frame)) return frame;
			}
			const left = deadline - Date.now();
			if (left <= 0) throw new Error('timed out waiting for a frame');
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.#wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}
	}

	/** The next data push (not an ack) on a channel. */
	async nextPush(group: string, timeoutMs = 3000): Promise<Json> {
		return this.next((m) => m.group === group && m.action === undefined && 'data' in m, timeoutMs);
	}

	/** Forget every frame received so far. */
	skip(): void {
		this.#cursor = this.frames.length;
	}

	/** True if no frame matching arrives within the time. */
	async quiet(match: (m: Json) => boolean, ms: number): Promise<boolean> {
		try {
			await this.next(match, ms);
			return false;
		} catch {
			return true;
		}
	}

	close(): void {
		this.#ws.close();
	}
}
