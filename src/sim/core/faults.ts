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
	/** Freeze the market engine and the book channels (no new versions) so a test can compare books. */
	pause(): void;
	resume(): void;
}

export class FaultState {
	silenced = false;
	delayMs = 0;
	responseDelayMs = 0;
	privatePushDelayMs = 0;
	paused = false;
	readonly #drops: string[] = [];
	readonly #rejects: Array<{ pathContains: string; error: SimError }> = [];

	dropNext(pathContains: string): void {
		this.#drops.push(pathContains);
	}

	rejectNext(pathContains: string, code: number): void {
		this.#rejects.push({ pathContains, error: documentedError(code) });
	}

	/** Consume the first armed drop that matches; true if this answer must be lost. */
	takeDrop(path: string): boolean {
		const i = this.#drops.findIndex((text) => path.includes(text));
		if (i < 0) return false;
		this.#drops.splice(i, 1);
		return true;
	}

	takeReject(path: string): SimError | undefined {
		const i = this.#rejects.findIndex((r) => path.includes(r.pathContains));
		if (i < 0) return undefined;
		return this.#rejects.splice(i, 1)[0].error;
	}
}
