import type { SimAccount } from './accounts';

export type SocketKind = 'public' | 'private';

/** What a session needs from the exchange: topic semantics, login, timing, faults. */
export interface SessionHost {
	readonly idleCloseMs: number;
	readonly lifelessMs: number;
	readonly maxFrameBytes: number;
	/** Subscribe; an error text if refused. May push data (a snapshot) after the ack. */
	subscribe(session: SimSocketSession, topic: string): { error: string } | { after?: () => void };
	unsubscribe(session: SimSocketSession, topic: string): void;
	/** The `request` action; an error text if the topic cannot be requested. */
	request(session: SimSocketSession, topic: string): string | undefined;
	login(args: unknown): Promise<{ account: SimAccount } | { error: string }>;
	pongId(): string;
	/** Encode (compress) and delay an outgoing frame; undefined drops it (silence fault). */
	outgoing(
		text: string
	): { delayMs: number; encode: (text: string) => Promise<string | Uint8Array> } | undefined;
	detach(session: SimSocketSession): void;
}

export interface SocketHandle {
	/** Feed one text frame from the client. */
	receive(frame: string): void;
	/** The transport saw the connection close. */
	closed(): void;
}

const encoder = new TextEncoder();

/** One client connection speaking BitMart's futures WebSocket protocol. */
export class SimSocketSession implements SocketHandle {
	readonly kind: SocketKind;
	readonly topics = new Set<string>();
	account: SimAccount | undefined;
	readonly #host: SessionHost;
	readonly #send: (frame: string | Uint8Array) => void;
	readonly #close: (code: number, reason: string) => void;
	#open = true;
	#inbound: Promise<void> = Promise.resolve();
	#outbox: Promise<void> = Promise.resolve();
	#idleTimer: ReturnType<typeof setTimeout> | undefined;
	#lifelessTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		kind: SocketKind,
		host: SessionHost,
		send: (frame: string | Uint8Array) => void,
		close: (code: number, reason: string) => void
	) {
		this.kind = kind;
		this.#host = host;
		this.#send = send;
		this.#close = close;
		this.armIdle();
		if (host.lifelessMs > 0) {
			// Docs: a connection that subscribes to nothing within 5 s is closed as lifeless.
			this.#lifelessTimer = setTimeout(
				() => this.terminate(1001, 'lifeless connection'),
				host.lifelessMs
			);
		}
	}

	get open(): boolean {
		return this.#open;
	}

	receive(frame: string): void {
		if (!this.#open) return;
		this.armIdle();
		if (encoder.encode(frame).length > this.#host.maxFrameBytes) {
			this.terminate(1009, 'message too big');
			return;
		}
		// Frames are handled strictly in order, login (async HMAC) included.
		this.#inbound = this.#inbound
			.then(() => this.handle(frame))
			.catch((error: unknown) => {
				console.error('simulator: socket frame failed', error);
			});
	}

	closed(): void {
		if (!this.#open) return;
		this.#open = false;
		this.cleanup();
	}

	/** Send a JSON frame (subject to the silence and delay faults), `extraDelayMs` later still. */
	push(message: unknown, extraDelayMs = 0): void {
		this.pushText(JSON.stringify(message), extraDelayMs);
	}

	pushText(text: string, extraDelayMs = 0): void {
		if (!this.#open) return;
		const plan = this.#host.outgoing(text);
		if (!plan) return;
		const dueAt = Date.now() + plan.delayMs + extraDelayMs;
		this.#outbox = this.#outbox
			.then(async () => {
				const data = await plan.encode(text);
				const wait = dueAt - Date.now();
				if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
				if (this.#open) this.#send(data);
			})
			.catch((error: unknown) => console.error('simulator: send failed', error));
	}

	/** Resolves once every frame queued so far has been handed to the transport. */
	flushed(): Promise<void> {
		return this.#outbox;
	}

	/** Close from the server side; 1006 means "drop without a closing handshake". */
	terminate(code: number, reason: string): void {
		if (!this.#open) return;
		this.#open = false;
		this.cleanup();
		this.#close(code, reason);
	}

	private cleanup(): void {
		clearTimeout(this.#idleTimer);
		clearTimeout(this.#lifelessTimer);
		this.#host.detach(this);
	}

	private armIdle(): void {
		clearTimeout(this.#idleTimer);
		if (this.#host.idleCloseMs <= 0) return;
		// Docs: the server drops a connection that has been quiet for 20 s.
		this.#idleTimer = setTimeout(
			() => this.terminate(1001, 'no message within 20s'),
			this.#host.idleCloseMs
		);
	}

	private async handle(frame: string): Promise<void> {
		if (!this.#open) return;
		let message: unknown;
		try {
			message = JSON.parse(frame);
		} catch {
			this.push({ success: false, error: `Invalid message: message must be JSON: ${frame}` });
			return;
		}
		const { action, args } = (typeof message === 'object' && message !== null ? message : {}) as {
			action?: unknown;
			args?: unknown;
		};
		if (action === 'ping') {
			this.push({ group: 'System', data: `pong+${this.#host.pongId()}` });
			return;
		}
		if (action === 'access') {
			await this.login(args);
			return;
		}
		if (action !== 'subscribe' && action !== 'unsubscribe' && action !== 'request') {
			this.push({
				success: false,
				error: `Invalid message: unknown action ${JSON.stringify(action)}`
			});
			return;
		}
		if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
			this.push({
				action,
				success: false,
				error: 'Invalid message: args must be a list of topics'
			});
			return;
		}
		const request = { action, args };
		for (const topic of args as string[]) {
			if (action === 'subscribe') this.subscribe(topic, request);
			else if (action === 'unsubscribe') {
				this.#host.unsubscribe(this, topic);
				this.topics.delete(topic);
				this.push({ action, group: topic, success: true, request });
			} else {
				const error = this.#host.request(this, topic);
				if (error) this.push({ action, group: topic, success: false, request, error });
			}
		}
	}

	private subscribe(topic: string, request: { action: string; args: unknown[] }): void {
		const result = this.#host.subscribe(this, topic);
		if ('error' in result) {
			this.push({
				action: 'subscribe',
				group: topic,
				success: false,
				request,
				error: result.error
			});
			return;
		}
		clearTimeout(this.#lifelessTimer);
		this.topics.add(topic);
		this.push({ action: 'subscribe', group: topic, success: true, request });
		result.after?.();
	}

	private async login(args: unknown): Promise<void> {
		clearTimeout(this.#lifelessTimer);
		if (this.kind !== 'private') {
			this.push({
				action: 'access',
				success: false,
				error: 'access failed: not a private connection'
			});
			return;
		}
		const result = await this.#host.login(args);
		if ('error' in result) {
			this.push({ action: 'access', success: false, error: result.error });
			return;
		}
		this.account = result.account;
		this.push({ action: 'access', success: true });
	}
}
