/**
 * Bitget closes a connection that sends more than 10 messages a second, `ping` included, and
 * allows 240 subscribe requests an hour per connection (notes §3.1). The reconnecting socket sends
 * as soon as it has something to say (a burst of subscriptions after a reconnect, a resync, a
 * probe's ping), so every Bitget socket goes through this queue: sends keep their order and leave
 * no faster than the limits allow. A held subscribe does not hold back a `ping`, which keeps the
 * connection alive meanwhile.
 */

import type { SocketFactory, SocketLike } from '$lib/net/types';

export interface ThrottleLimits {
	/** Messages per window, every kind counted (default 10). */
	maxMessages: number;
	/** The window, ms (default 1000, plus a little slack for timer jitter and the network). */
	windowMs: number;
	/** Subscribe requests per `subscribeWindowMs` (default 240 per hour). */
	maxSubscribes: number;
	subscribeWindowMs: number;
}

export const BITGET_LIMITS: ThrottleLimits = {
	maxMessages: 10,
	windowMs: 1100,
	maxSubscribes: 240,
	subscribeWindowMs: 3_600_000
};

const OPEN = 1;

export function throttledFactory(
	factory: SocketFactory,
	limits: ThrottleLimits = BITGET_LIMITS,
	monotonicNow: () => number = () => performance.now()
): SocketFactory {
	return (url) => new ThrottledSocket(factory(url), limits, monotonicNow);
}

export class ThrottledSocket implements SocketLike {
	readonly #inner: SocketLike;
	readonly #limits: ThrottleLimits;
	readonly #now: () => number;
	readonly #queue: string[] = [];
	readonly #sentAt: number[] = [];
	readonly #subscribedAt: number[] = [];
	#timer: ReturnType<typeof setTimeout> | undefined;
	#onclose: SocketLike['onclose'] = null;

	constructor(inner: SocketLike, limits: ThrottleLimits, now: () => number) {
		this.#inner = inner;
		this.#limits = limits;
		this.#now = now;
		inner.onclose = (ev) => {
			this.#stop();
			this.#onclose?.(ev);
		};
	}

	get readyState(): number {
		return this.#inner.readyState;
	}

	get binaryType(): string {
		return this.#inner.binaryType;
	}

	set binaryType(value: string) {
		this.#inner.binaryType = value;
	}

	get onopen() {
		return this.#inner.onopen;
	}

	set onopen(handler: SocketLike['onopen']) {
		this.#inner.onopen = handler;
	}

	get onmessage() {
		return this.#inner.onmessage;
	}

	set onmessage(handler: SocketLike['onmessage']) {
		this.#inner.onmessage = handler;
	}

	get onerror() {
		return this.#inner.onerror;
	}

	set onerror(handler: SocketLike['onerror']) {
		this.#inner.onerror = handler;
	}

	get onclose() {
		return this.#onclose;
	}

	set onclose(handler: SocketLike['onclose']) {
		this.#onclose = handler;
	}

	/** How many messages wait for their turn. */
	get queued(): number {
		return this.#queue.length;
	}

	send(data: string): void {
		if (this.#inner.readyState !== OPEN) throw new Error('The socket is not open');
		this.#queue.push(data);
		this.#flush();
	}

	close(code?: number, reason?: string): void {
		this.#stop();
		this.#inner.close(code, reason);
	}

	#flush(): void {
		if (this.#timer !== undefined) return;
		while (this.#queue.length > 0) {
			if (this.#inner.readyState !== OPEN) {
				this.#stop();
				return;
			}
			const now = this.#now();
			prune(this.#sentAt, now - this.#limits.windowMs);
			prune(this.#subscribedAt, now - this.#limits.subscribeWindowMs);
			const waitMessages =
				this.#sentAt.length < this.#limits.maxMessages
					? 0
					: this.#sentAt[0] + this.#limits.windowMs - now;
			if (waitMessages > 0) return this.#wait(waitMessages);
			const index = this.#nextSendable();
			if (index < 0) {
				const wait = this.#subscribedAt[0] + this.#limits.subscribeWindowMs - now;
				return this.#wait(Math.max(1, wait));
			}
			const [frame] = this.#queue.splice(index, 1);
			if (isSubscribe(frame)) this.#subscribedAt.push(now);
			this.#sentAt.push(now);
			this.#inner.send(frame);
		}
	}

	/** The head of the queue, or the first ping behind a subscribe that must wait for its budget. */
	#nextSendable(): number {
		const head = this.#queue[0];
		if (!isSubscribe(head) || this.#subscribedAt.length < this.#limits.maxSubscribes) return 0;
		return this.#queue.findIndex((frame) => frame === 'ping');
	}

	#wait(ms: number): void {
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#flush();
		}, Math.ceil(ms));
	}

	#stop(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#queue.length = 0;
	}
}

function prune(times: number[], before: number): void {
	while (times.length > 0 && times[0] <= before) times.shift();
}

function isSubscribe(frame: string): boolean {
	return frame.startsWith('{"op":"subscribe"');
}
