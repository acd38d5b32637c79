import { documentedError, type SimError } from './errors';

/** Switches a test flips to make the simulator misbehave the ways a real venue does. */
export interface SimFaults {
	/** Close every socket (of one kind) abruptly, without a closing handshake. */
	dropConnections(kind?: 'public' | 'private'): void;
	/** Stop answering pings and stop pushing anything (the connection stays open). */
	silence(on: boolean): void;
	/** The next depth update on each of this symbol's book channels jumps its version by 2. */
	skipVersion(symbol: string): void;
	/** Send a non-JSON text frame on every public socket. */
	sendMalformed(): void;
	/** Delay every REST answer and every push by this many ms (0 turns it off). */
	delay(ms: number): void;
	/** Delay REST answers only (pushes stay on time); 0 turns it off. */
	delayResponses(ms: number): void;
	/**
	 * Hold account pushes (order, position, asset) back this many ms, so they arrive after the
	 * REST answer; 0 (the default) sends them first, as a real exchange usually does.
	 */
	delayPrivatePushes(ms: number): void;
	/**
	 * The next REST request whose path contains this text is fully processed (an order executes)
	 * but its answer is lost: the Node server destroys the socket, the in-page fetch rejects with
	 * `TypeError('Failed to fetch')`.
	 */
	dropNextResponse(pathContains: string): void;
	/** The next REST request whose path contains this text fails with this documented code. */
	rejectNext(pathContains: string, code: number): void;
	/**
	 * The next REST request whose path contains this text reaches the exchange only after `ms`: it
	 * is processed (an order executes) and answered late, like a request stuck in a slow network.
	 */
	holdNext(pathContains: string, ms: number): void;
	/** The requests a `holdNext` is holding right now, oldest first (never a header). */
	heldRequests(): HeldRequest[];
	/**
	 * When a position is fully closed, push the account's remaining open positions instead of a
	 * row with size 0 (off by default). A live BitMart account was seen doing this: a client that
	 * only removes positions on a size-0 row keeps showing the closed one.
	 */
	omitClosedPositions(on: boolean): void;
	/**
	 * Send every position push twice (account events and the timed push alike), as a client may
	 * see after a reconnect or from a relay that repeats frames; off by default.
	 */
	duplicatePositionPushes(on: boolean): void;
	/**
	 * Forget every armed one-shot fault (drop, reject, hold) that no request has consumed yet;
	 * requests already held stay held. For a test that arms a fault for a request that may never
	 * be sent (a close the client refused) and must not let it hit the next one.
	 */
	disarm(): void;
	/** Freeze the market engine and the book channels (no new versions) so a test can compare books. */
	pause(): void;
	resume(): void;
}

export interface HeldRequest {
	method: string;
	path: string;
	query: string;
	/** The parsed JSON body of a POST ({} if none), the query parameters of a GET. */
	params: Record<string, unknown>;
}

export class FaultState {
	silenced = false;
	delayMs = 0;
	responseDelayMs = 0;
	privatePushDelayMs = 0;
	paused = false;
	omitClosedPositions = false;
	duplicatePositionPushes = false;
	readonly held = new Set<HeldRequest>();
	readonly #drops: string[] = [];
	readonly #holds: Array<{ pathContains: string; ms: number }> = [];
	readonly #rejects: Array<{ pathContains: string; error: SimError }> = [];

	dropNext(pathContains: string): void {
		this.#drops.push(pathContains);
	}

	rejectNext(pathContains: string, code: number): void {
		this.#rejects.push({ pathContains, error: documentedError(code) });
	}

	holdNext(pathContains: string, ms: number): void {
		this.#holds.push({ pathContains, ms: Math.max(0, ms) });
	}

	/** Consume the first armed hold that matches; how long this request must wait (0: none). */
	takeHold(path: string): number {
		const i = this.#holds.findIndex((h) => path.includes(h.pathContains));
		if (i < 0) return 0;
		return this.#holds.splice(i, 1)[0].ms;
	}

	/** Consume the first armed drop that matches; true if this answer must be lost. */
	takeDrop(path: string): boolean {
		const i = this.#drops.findIndex((text) => path.includes(text));
		if (i < 0) return false;
		this.#drops.splice(i, 1);
		return true;
	}

	disarm(): void {
		this.#drops.length = 0;
		this.#holds.length = 0;
		this.#rejects.length = 0;
	}

	takeReject(path: string): SimError | undefined {
		const i = this.#rejects.findIndex((r) => path.includes(r.pathContains));
		if (i < 0) return undefined;
		return this.#rejects.splice(i, 1)[0].error;
	}
}
