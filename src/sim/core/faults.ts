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
	/** Freeze the market engine and the book channels (no new versions) so a test can compare books. */
	pause(): void;
	resume(): void;
}

export interface FaultState {
	silenced: boolean;
	delayMs: number;
	paused: boolean;
}
