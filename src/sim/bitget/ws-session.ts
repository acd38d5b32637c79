import type { BitgetKey } from './auth';
import { WS_ERRORS } from './auth';

export type SocketKind = 'public' | 'private';

/** A channel argument as the client sent it (echoed back in acks and pushes). */
export interface ChannelArg {
	instType: string;
	channel: string;
	instId?: string;
	coin?: string;
}

export interface BitgetSessionLimits {
	/** Docs: at most 10 messages a second per connection, `ping` included; more disconnects. */
	maxMessagesPerSecond: number;
	/** Docs: 240 subscribe requests an hour per connection. */
	maxSubscribesPerHour: number;
	/** Docs: at most 1000 channels per connection. */
	maxChannels: number;
	/** Docs: the channels of one subscribe must total at most 4096 bytes. */
	maxSubscribeBytes: number;
	/** Docs: the server disconnects when it has not received "ping" for 2 minutes; 0 disables. */
	pingTimeoutMs: number;
	/** Docs: connections are forcibly disconnected every 24 hours; 0 disables. */
	forceCloseMs: number;
}

export interface BitgetSessionHost {
	readonly limits: BitgetSessionLimits;
	/** Accept a channel (error code + msg if refused); `after` pushes the snapshot. */
	subscribe(
		session: BitgetSession,
		arg: ChannelArg
	): { code: number; msg: string } | { after?: () => void };
	unsubscribe(session: BitgetSession, key: string): void;
	login(
		session: BitgetSession,
		args: unknown
	): Promise<{ key: BitgetKey } | { code: number; msg: string }>;
	/** undefined drops the frame (the silence fault); otherwise its extra delay. */
	outgoing(): { delayMs: number } | undefined;
	detach(session: BitgetSession): void;
}

export interface SocketHandle {
	receive(frame: string): void;
	closed(): void;
}

const encoder = new TextEncoder();

export function channelKey(arg: ChannelArg): string {
	return `${arg.instType.toUpperCase()}|${arg.channel}|${arg.instId ?? arg.coin ?? ''}`;
}

/** One client connection speaking Bitget's V2 WebSocket protocol. */
export class BitgetSession implements SocketHandle {
	readonly kind: SocketKind;
	/** The socket came in on the demo host (wspap). */
	readonly demoHost: boolean;
	/** Subscribed channels by key, with the argument as the client wrote it. */
	readonly channels = new Map<string, ChannelArg>();
	key: BitgetKey | undefined;
	readonly #host: BitgetSessionHost;
	readonly #send: (text: string) => void;
	readonly #close: (code: number, reason: string) => void;
	#open = true;
	#inbound: Promise<void> = Promise.resolve();
	#outbox: Promise<void> = Promise.resolve();
	readonly #recent: number[] = [];
	readonly #subscribes: number[] = [];
	#pingTimer: ReturnType<typeof setTimeout> | undefined;
	#forceTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		kind: SocketKind,
		demoHost: boolean,
		host: BitgetSessionHost,
		send: (text: string) => void,
		close: (code: number, reason: string) => void
	) {
		this.kind = kind;
		this.demoHost = demoHost;
		this.#host = host;
		this.#send = send;
		this.#close = close;
		this.armPing();
		if (host.limits.forceCloseMs > 0) {
			this.#forceTimer = setTimeout(
				() => this.terminate(1000, 'forced reconnect'),
				host.limits.forceCloseMs
			);
		}
	}

	get open(): boolean {
		return this.#open;
	}

	receive(frame: string): void {
		if (!this.#open) return;
		const now = performance.now();
		while (this.#recent.length > 0 && now - this.#recent[0] >= 1000) this.#recent.shift();
		this.#recent.push(now);
		if (this.#recent.length > this.#host.limits.maxMessagesPerSecond) {
			// Docs: "If the user sends more messages than the limit, the connection will be disconnected."
			this.terminate(1008, 'too many messages');
			return;
		}
		this.#inbound = this.#inbound
			.then(() => this.handle(frame))
			.catch((error: unknown) => console.error('simulator: bitget frame failed', error));
	}

	closed(): void {
		if (!this.#open) return;
		this.#open = false;
		this.cleanup();
	}

	push(message: unknown, extraDelayMs = 0): void {
		this.pushText(JSON.stringify(message), extraDelayMs);
	}

	pushText(text: string, extraDelayMs = 0): void {
		if (!this.#open) return;
		const plan = this.#host.outgoing();
		if (!plan) return;
		const dueAt = performance.now() + plan.delayMs + extraDelayMs;
		this.#outbox = this.#outbox
			.then(async () => {
				const wait = dueAt - performance.now();
				if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
				if (this.#open) this.#send(text);
			})
			.catch((error: unknown) => console.error('simulator: send failed', error));
	}

	flushed(): Promise<void> {
		return this.#outbox;
	}

	terminate(code: number, reason: string): void {
		if (!this.#open) return;
		this.#open = false;
		this.cleanup();
		this.#close(code, reason);
	}

	private cleanup(): void {
		clearTimeout(this.#pingTimer);
		clearTimeout(this.#forceTimer);
		this.#host.detach(this);
	}

	private armPing(): void {
		clearTimeout(this.#pingTimer);
		const ms = this.#host.limits.pingTimeoutMs;
		if (ms <= 0) return;
		this.#pingTimer = setTimeout(() => this.terminate(1000, 'no ping received'), ms);
	}

	private error(code: number, msg: string, extra: Record<string, unknown> = {}): void {
		this.push({ event: 'error', ...extra, code, msg });
	}

	private async handle(frame: string): Promise<void> {
		if (!this.#open) return;
		if (frame === 'ping') {
			this.armPing();
			this.pushText('pong');
			return;
		}
		let message: unknown;
		try {
			message = JSON.parse(frame);
		} catch {
			this.error(WS_ERRORS.illegalRequest, `Illegal request: ${frame.slice(0, 100)}`);
			return;
		}
		const { op, args } = (typeof message === 'object' && message !== null ? message : {}) as {
			op?: unknown;
			args?: unknown;
		};
		if (op === 'login') {
			await this.login(args);
			return;
		}
		if (op !== 'subscribe' && op !== 'unsubscribe') {
			this.error(WS_ERRORS.invalidOp, `Invalid op: op :${String(op)}`);
			return;
		}
		if (!Array.isArray(args) || args.length === 0) {
			this.error(WS_ERRORS.paramError, 'Param error', { op });
			return;
		}
		if (op === 'subscribe') {
			if (encoder.encode(JSON.stringify(args)).length > this.#host.limits.maxSubscribeBytes) {
				this.error(WS_ERRORS.paramError, 'args length exceeds 4096 bytes', { op });
				return;
			}
			const now = performance.now();
			while (this.#subscribes.length > 0 && now - this.#subscribes[0] >= 3_600_000) {
				this.#subscribes.shift();
			}
			if (this.#subscribes.length >= this.#host.limits.maxSubscribesPerHour) {
				this.error(WS_ERRORS.tooManyRequests, 'Request too many', { op });
				return;
			}
			this.#subscribes.push(now);
		}
		for (const raw of args) {
			const arg = parseArg(raw);
			if (!arg) {
				this.error(WS_ERRORS.paramError, 'Param error', { op, arg: raw });
				continue;
			}
			if (op === 'subscribe') this.subscribe(arg);
			else {
				const key = channelKey(arg);
				this.channels.delete(key);
				this.#host.unsubscribe(this, key);
				this.push({ event: 'unsubscribe', arg });
			}
		}
	}

	private subscribe(arg: ChannelArg): void {
		const key = channelKey(arg);
		if (!this.channels.has(key) && this.channels.size >= this.#host.limits.maxChannels) {
			this.error(WS_ERRORS.overLimit, 'Channel limit exceeded', { op: 'subscribe', arg });
			this.terminate(1008, 'channel limit exceeded');
			return;
		}
		const result = this.#host.subscribe(this, arg);
		if ('code' in result) {
			this.error(result.code, result.msg, { op: 'subscribe', arg });
			return;
		}
		this.channels.set(key, arg);
		this.push({ event: 'subscribe', arg });
		result.after?.();
	}

	private async login(args: unknown): Promise<void> {
		if (this.kind !== 'private') {
			this.error(WS_ERRORS.illegalRequest, 'login is only available on the private socket', {
				op: 'login'
			});
			return;
		}
		const result = await this.#host.login(this, args);
		if ('code' in result) {
			// Docs: "If login fails, it will automatically disconnect."
			this.error(result.code, result.msg, { op: 'login' });
			await this.flushed();
			this.terminate(1000, 'login failed');
			return;
		}
		this.key = result.key;
		// The notes (and every working client) read a numeric 0; the docs' example shows "0".
		this.push({ event: 'login', code: 0, msg: '' });
	}
}

function parseArg(raw: unknown): ChannelArg | undefined {
	if (typeof raw !== 'object' || raw === null) return undefined;
	const { instType, channel, instId, coin } = raw as Record<string, unknown>;
	if (typeof instType !== 'string' || typeof channel !== 'string') return undefined;
	if (instId !== undefined && typeof instId !== 'string') return undefined;
	if (coin !== undefined && typeof coin !== 'string') return undefined;
	const arg: ChannelArg = { instType, channel };
	if (instId !== undefined) arg.instId = instId;
	if (coin !== undefined) arg.coin = coin;
	return arg;
}
