import type { AscendexAccount } from './account';

/**
 * One connection to `/<grp>/api/pro/v2/stream` (or the public `/api/pro/v2/stream`): framing,
 * strict in-order handling, and the documented keepalive. What the messages mean is the host's.
 *
 * Keepalive ([FUT] "Keep the Connection Alive", notes §3.2):
 * - a server `{"m":"ping","hp":N}` goes out when the client has been quiet for `pingIdleMs`;
 *   the client answers `{"op":"pong"}`;
 * - each ping still unanswered when the next is due costs one health point; the session starts
 *   with HP_START = 2, so two consecutive missed pings bring it to 0 and it is dropped with
 *   `m:"disconnected"` (docs: "If you missed two consecutive ping messages, the session will be
 *   disconnected"; the docs' own ping sample shows hp 3, their pong sample hp 2);
 * - a pong restores the health points; a client `{"op":"ping"}` is answered
 *   `{"m":"pong","code":0,"ts":...,"hp":N}` and stops server pings for 30 s.
 */
export const HP_START = 2;
/** Docs: a client ping stops server pings for 30 seconds. */
export const CLIENT_PING_QUIET_MS = 30_000;

export interface StreamHost {
	now(): number;
	readonly pingIdleMs: number;
	handle(session: StreamSession, message: Record<string, unknown>): Promise<void>;
	/** Faults: answer client pings? count client pongs? drop outgoing frames? */
	answerPings(): boolean;
	countPongs(): boolean;
	silenced(): boolean;
	detach(session: StreamSession): void;
}

export class StreamSession {
	/** The account group in the URL; undefined on the public stream URL. */
	readonly group: number | undefined;
	readonly subscriptions = new Set<string>();
	account: AscendexAccount | undefined;
	readonly #host: StreamHost;
	readonly #send: (text: string) => void;
	readonly #close: (code: number, reason: string) => void;
	#open = true;
	#hp = HP_START;
	#lastActivity: number;
	#pingOutstanding = false;
	#quietUntil = 0;
	#inbound: Promise<void> = Promise.resolve();

	constructor(
		group: number | undefined,
		host: StreamHost,
		send: (text: string) => void,
		close: (code: number, reason: string) => void
	) {
		this.group = group;
		this.#host = host;
		this.#send = send;
		this.#close = close;
		this.#lastActivity = host.now();
		this.push({ m: 'connected', type: 'unauth' });
	}

	get open(): boolean {
		return this.#open;
	}

	get hp(): number {
		return this.#hp;
	}

	receive(frame: string): void {
		if (!this.#open) return;
		this.#lastActivity = this.#host.now();
		this.#inbound = this.#inbound
			.then(() => this.dispatch(frame))
			.catch((error: unknown) => console.error('simulator: stream frame failed', error));
	}

	closed(): void {
		if (!this.#open) return;
		this.#open = false;
		this.#host.detach(this);
	}

	push(message: unknown): void {
		this.pushText(JSON.stringify(message));
	}

	pushText(text: string): void {
		if (!this.#open || this.#host.silenced()) return;
		this.#send(text);
	}

	/** Close from the server side; 1006 means "drop without a closing handshake". */
	terminate(code: number, reason: string): void {
		if (!this.#open) return;
		this.#open = false;
		this.#host.detach(this);
		this.#close(code, reason);
	}

	/**
	 * One keepalive step: ping if the client has been quiet long enough (or at once when
	 * `force`), charging a health point for a ping left unanswered.
	 */
	keepalive(force = false): void {
		if (!this.#open) return;
		const now = this.#host.now();
		if (!force && (now - this.#lastActivity < this.#host.pingIdleMs || now < this.#quietUntil)) {
			return;
		}
		if (this.#pingOutstanding) {
			this.#hp -= 1;
			if (this.#hp <= 0) {
				this.push({
					m: 'disconnected',
					code: 100005,
					reason: 'INVALID_WS_REQUEST_DATA',
					info: 'Session is disconnected due to missing pong message from the client'
				});
				this.terminate(1000, 'missing pong');
				return;
			}
		}
		this.#pingOutstanding = true;
		this.#lastActivity = now;
		this.push({ m: 'ping', hp: this.#hp });
	}

	private async dispatch(frame: string): Promise<void> {
		if (!this.#open) return;
		let message: unknown;
		try {
			message = JSON.parse(frame);
		} catch {
			message = undefined;
		}
		if (typeof message !== 'object' || message === null || Array.isArray(message)) {
			this.push({
				m: 'error',
				code: 100005,
				reason: 'INVALID_WS_REQUEST_DATA',
				info: 'Message is not a JSON object'
			});
			return;
		}
		const msg = message as Record<string, unknown>;
		if (msg.op === 'pong') {
			if (this.#host.countPongs()) {
				this.#pingOutstanding = false;
				this.#hp = HP_START;
			}
			return;
		}
		if (msg.op === 'ping') {
			this.#pingOutstanding = false;
			this.#quietUntil = this.#host.now() + CLIENT_PING_QUIET_MS;
			if (this.#host.answerPings()) {
				this.push({ m: 'pong', code: 0, ts: this.#host.now(), hp: this.#hp });
			}
			return;
		}
		await this.#host.handle(this, msg);
	}
}
