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

/**
 * Where to connect: a fixed URL, or one worked out afresh on every (re)connect (a venue may put the
 * account group, learned by a REST call, in its private URL).
 */
export type SocketUrl = string | (() => string | Promise<string>);

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
	/** The keepalive exactly as it goes on the wire: JSON, or plain text (a text `ping`). */
	pingFrame(): string;
	/**
	 * Recognises a keepalive reply from the raw text, before any JSON parsing: some venues answer
	 * with plain text (a text `pong`), which is not JSON and must not count as a malformed frame.
	 */
	isPongText?(text: string): boolean;
	/** Recognises a keepalive reply among parsed (JSON) messages. */
	isPong?(msg: unknown): boolean;
	/**
	 * The server's own keepalive: the reply frame to send at once, or null when `msg` is not one.
	 * A venue may send `{"m":"ping","hp":3}` and drop a client that does not answer `{"op":"pong"}`.
	 */
	serverPing?(msg: unknown): string | null;
	/**
	 * The id a message answers, for `request()`: a venue may echo the `id` of every request.
	 * Undefined when the message answers no request.
	 */
	replyId?(msg: unknown): string | undefined;
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
