import type { ConnectionStatus } from '$lib/exchanges/types';

/**
 * The WebSocket surface the reconnecting socket needs. The browser's WebSocket, the `ws` package
 * and the Demo venue's in-page socket all fit it.
 */
export interface SocketLike {
	readonly readyState: number;
	binaryType: string;
	onopen: ((ev: unknown) => void) | null;
	onmessage: ((ev: { data: unknown }) => void) | null;
	onclose: ((ev: { code: number; reason: string }) => void) | null;
	onerror: ((ev: unknown) => void) | null;
	send(data: string): void;
	close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

/** What one venue's wire protocol tells the socket. Pure builders and recognisers, no I/O. */
export interface SocketProtocol {
	/** Send a keepalive when nothing has arrived, or nothing was sent, for this long (ms). */
	keepaliveMs: number;
	/** Reconnect when no pong (or any message) arrives this long after a keepalive (ms). */
	pongTimeoutMs: number;
	/**
	 * Show the connection as stale when a keepalive's reply is this late (ms), or nothing at all
	 * arrived for `keepaliveMs` + this. A quiet connection that answers its keepalives stays live.
	 */
	staleAfterMs: number;
	pingFrame(): string;
	isPong(msg: unknown): boolean;
	/** A login frame, built fresh (signed with a current timestamp) on every (re)connect. */
	loginFrame?(): Promise<string>;
	/** 'ok' for a successful login ack, an error message for a failed one, null if not an ack. */
	loginResult?(msg: unknown): 'ok' | string | null;
	/** Frames that subscribe these topics, chunked so no frame grows large. */
	subscribeFrames(topics: string[]): string[];
	unsubscribeFrames(topics: string[]): string[];
}

export interface ReconnectPolicy {
	initialDelayMs: number;
	maxDelayMs: number;
	/** 0..1: the share of each delay drawn at random. */
	jitter: number;
	/** Give up (state 'failed') after this many failed attempts in a row; Infinity never. */
	maxAttempts: number;
}

export type { ConnectionStatus };
