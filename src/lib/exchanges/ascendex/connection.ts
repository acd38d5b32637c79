/**
 * One account's authenticated AscendEX socket, shared by its account stream, its closes and its
 * snapshot: `wss://…/<group>/api/pro/v2/stream`, the group worked out when it connects. Logs in
 * by message on every (re)connect, signed with the exchange's clock and the secret form that
 * works; `m:"disconnected"` reconnects showing the reason; health points are watched.
 */

import type { AccountCredentials, AccountEvent, ConnectionStatus } from '$lib/exchanges/types';
import type { ServerClock } from '$lib/net/clock';
import { ReconnectingSocket } from '$lib/net/socket';
import type { SocketFactory } from '$lib/net/types';
import { AccountFrames } from './account-frames';
import { bothFormsFailed, codeError, KEY_FORM_CODES } from './errors';
import { isObject } from './fields';
import type { KeyForm, KeyForms } from './key-forms';
import { prehash, hmacBase64 } from './sign';
import type { PlaceOrderFrame } from './orders';
import { ascendexProtocol, disconnectReason, groupStreamUrl, requestId } from './stream';

/** The private channels; public ones ride the market socket. */
export const PRIVATE_TOPICS = ['futures-order', 'futures-account-update'] as const;
/** Health points at or below this are reported: the next missed pong may end the session. */
const LOW_HEALTH_POINTS = 1;

export interface ConnectionOptions {
	creds: AccountCredentials;
	privateWs: string;
	/** The account group; looked up when it is not known yet. */
	group(): Promise<number>;
	clock: ServerClock;
	keyForms: KeyForms;
	factory?: SocketFactory;
	watchEnvironment?: boolean;
	now: () => number;
	monotonicNow: () => number;
	/** Re-measures the exchange clock before a re-login. */
	remeasure(): Promise<unknown>;
}

export class AscendexConnection {
	readonly socket: ReconnectingSocket;
	readonly frames: AccountFrames;
	readonly #opts: ConnectionOptions;
	readonly #listeners = new Set<(e: AccountEvent) => void>();
	#form: KeyForm;
	#triedOther = false;
	#lastAuthCode: number | null = null;
	#connects = 0;
	#refs = 0;
	#healthPoints: number | null = null;

	constructor(opts: ConnectionOptions) {
		this.#opts = opts;
		this.#form = opts.keyForms.preferred(opts.creds);
		this.frames = new AccountFrames(opts.creds.accountId, opts.now);
		const protocol = ascendexProtocol({
			loginFrame: () => this.#loginFrame(),
			healthPoints: (hp) => this.#health(hp)
		});
		const loginResult = protocol.loginResult!;
		protocol.loginResult = (msg) => {
			const result = loginResult(msg);
			if (result !== null && result !== 'ok' && isObject(msg) && typeof msg.code === 'number') {
				this.#lastAuthCode = msg.code;
			}
			return result;
		};
		this.socket = new ReconnectingSocket({
			url: async () => groupStreamUrl(opts.privateWs, await opts.group()),
			protocol,
			factory: opts.factory,
			watchEnvironment: opts.watchEnvironment,
			now: opts.now,
			monotonicNow: opts.monotonicNow,
			name: 'ascendex account',
			label: 'The private stream'
		});
		this.socket.onMessage((msg) => this.#message(msg));
		this.socket.onError((message) => this.#emit({ type: 'error', message }));
		this.socket.onStatus((s) => this.#status(s));
		this.socket.addTopics([...PRIVATE_TOPICS]);
	}

	get healthPoints(): number | null {
		return this.#healthPoints;
	}

	acquire(): void {
		this.#refs++;
		this.socket.connect();
	}

	/** True when this was the last user and the socket closed. */
	release(): boolean {
		if (--this.#refs > 0) return false;
		this.socket.close();
		this.#listeners.clear();
		return true;
	}

	onEvent(listener: (e: AccountEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Resolves once logged in and subscribed; rejects on timeout, abort, or a failed socket. */
	whenLive(timeoutMs: number, signal?: AbortSignal): Promise<void> {
		if (this.socket.status.state === 'live') return Promise.resolve();
		return new Promise((resolve, reject) => {
			const finish = (error: Error | null) => {
				clearTimeout(timer);
				stop();
				signal?.removeEventListener('abort', onAbort);
				if (error) reject(error);
				else resolve();
			};
			const onAbort = () => finish(new Error('Aborted before the private stream was live.'));
			const timer = setTimeout(
				() =>
					finish(
						new Error(
							`The private stream is not connected (${this.socket.status.state}${this.socket.status.error ? `: ${this.socket.status.error}` : ''}).`
						)
					),
				timeoutMs
			);
			const stop = this.socket.onStatus((s) => {
				if (s.state === 'live') finish(null);
				else if (s.state === 'failed') finish(new Error(s.error ?? 'The private stream failed.'));
			});
			signal?.addEventListener('abort', onAbort);
		});
	}

	/** Sends a `req` frame and resolves with its reply; a reply with a non-zero code throws. */
	async request(
		frame: { id?: string; [key: string]: unknown } | PlaceOrderFrame,
		timeoutMs = 10_000
	): Promise<Record<string, unknown>> {
		const id = frame.id ?? requestId('r');
		const reply = await this.socket.request(JSON.stringify({ ...frame, id }), id, { timeoutMs });
		if (!isObject(reply)) throw new Error('The private stream sent a reply that is not an object.');
		if (reply.code !== undefined && reply.code !== 0) {
			const info = isObject(reply.info) ? reply.info : {};
			const reason =
				typeof info.reason === 'string'
					? info.reason
					: typeof reply.reason === 'string'
						? reply.reason
						: undefined;
			const detail =
				typeof info.errorMsg === 'string'
					? info.errorMsg
					: typeof reply.info === 'string'
						? reply.info
						: undefined;
			throw codeError(Number(reply.code), reason, detail);
		}
		return reply;
	}

	async #loginFrame(): Promise<string> {
		const opts = this.#opts;
		// Signed afresh with the exchange's time; measured again first on a reconnect, since the
		// estimate may have gone stale while the device slept (the window is 30 s).
		if (this.#connects++ > 0) await opts.remeasure().catch(() => undefined);
		const key = opts.keyForms.keyFor(opts.creds, this.#form);
		if (!key) throw new Error('The signing key is missing.');
		const t = Math.round(opts.clock.now());
		const sig = await hmacBase64(key, prehash(t, 'v2/stream'));
		return JSON.stringify({ op: 'auth', id: requestId('a'), t, key: opts.creds.apiKey, sig });
	}

	#status(s: ConnectionStatus): void {
		if (s.state === 'live') {
			this.#opts.keyForms.remember(this.#opts.creds, this.#form);
			this.#triedOther = false;
			return;
		}
		if (s.state !== 'failed' || this.#lastAuthCode === null) return;
		const code = this.#lastAuthCode;
		this.#lastAuthCode = null;
		if (!KEY_FORM_CODES.has(code)) return;
		const other = this.#opts.keyForms.alternative(this.#opts.creds, this.#form);
		if (other && !this.#triedOther) {
			// Right key, maybe the other secret form (notes §1.4): once, then say so.
			this.#triedOther = true;
			this.#form = other;
			this.socket.reconnectNow('Signing in again with the secret base64-decoded');
			return;
		}
		this.#emit({
			type: 'error',
			message: bothFormsFailed(codeError(code, undefined, undefined)).message
		});
	}

	#health(hp: number): void {
		this.#healthPoints = hp;
		if (hp <= LOW_HEALTH_POINTS) {
			this.#emit({
				type: 'error',
				message: `AscendEX reports ${hp} health point(s) left on the private stream.`
			});
		}
	}

	#message(msg: unknown): void {
		const reason = disconnectReason(msg);
		if (reason) {
			this.socket.reconnectNow(reason);
			return;
		}
		if (isObject(msg) && msg.m === 'sub' && msg.code !== 0 && msg.code !== undefined) {
			this.#emit({
				type: 'error',
				message: `AscendEX refused the ${String(msg.ch)} subscription (code ${String(msg.code)}).`
			});
			return;
		}
		let events: AccountEvent[];
		try {
			events = this.frames.handle(msg);
		} catch (error) {
			events = [
				{
					type: 'error',
					message: `Could not read an account frame: ${error instanceof Error ? error.message : String(error)}`
				}
			];
		}
		for (const e of events) this.#emit(e);
	}

	#emit(e: AccountEvent): void {
		for (const listener of [...this.#listeners]) {
			try {
				listener(e);
			} catch (error) {
				console.error('[ascendex account] listener failed:', error);
			}
		}
	}
}
