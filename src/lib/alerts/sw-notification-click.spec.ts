import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { notificationTarget } from './notification-target';

/**
 * Runs the service worker's notificationclick script (the file the build ships) in a worker-like
 * global with fake clients, and taps a notification.
 */
const SCRIPT = readFileSync('static/sw-notification-click.js', 'utf8');
const SCOPE = 'https://perch.example/';

interface FakeWindow {
	url: string;
	focused: boolean;
	visibilityState: 'visible' | 'hidden';
	messages: unknown[];
	focusCalls: number;
	focusRefused?: boolean;
	postMessage(m: unknown): void;
	focus(): Promise<FakeWindow>;
}

function win(path: string, over: Partial<FakeWindow> = {}): FakeWindow {
	return {
		url: SCOPE.slice(0, -1) + path,
		focused: false,
		visibilityState: 'hidden',
		messages: [],
		focusCalls: 0,
		postMessage(m) {
			this.messages.push(m);
		},
		async focus() {
			this.focusCalls++;
			if (this.focusRefused) throw new Error('InvalidAccessError: Not allowed to focus a window');
			return this;
		},
		...over
	};
}

async function tap(windows: FakeWindow[], data: unknown) {
	let handler: ((e: unknown) => void) | undefined;
	const opened: string[] = [];
	let matchOptions: unknown;
	const self = {
		registration: { scope: SCOPE },
		clients: {
			matchAll: async (options: unknown) => {
				matchOptions = options;
				return windows;
			},
			openWindow: async (url: string) => {
				opened.push(url);
				return null;
			}
		},
		addEventListener: (type: string, listener: (e: unknown) => void) => {
			if (type === 'notificationclick') handler = listener;
		}
	};
	runInNewContext(SCRIPT, { self, URL });
	expect(handler).toBeDefined();
	let closed = 0;
	const waits: Promise<unknown>[] = [];
	handler!({
		notification: { data, close: () => closed++ },
		waitUntil: (p: Promise<unknown>) => waits.push(p)
	});
	expect(waits).toHaveLength(1);
	await waits[0];
	return { closed, opened, matchOptions };
}

describe('the service worker’s notification tap', () => {
	it('closes the notification and routes an open Perch window to the screen, focusing it', async () => {
		const market = win('/', { visibilityState: 'visible' });
		const { closed, opened, matchOptions } = await tap([market], notificationTarget('fill'));
		expect(closed).toBe(1);
		expect(market.messages).toEqual([{ type: 'perch:open', path: '/alerts' }]);
		expect(market.focusCalls).toBe(1);
		expect(opened).toEqual([]);
		// Windows the worker does not control yet (opened before it took over) count too.
		expect(matchOptions).toEqual({ type: 'window', includeUncontrolled: true });
	});

	it('prefers a window already on that screen, then the focused one', async () => {
		const other = win('/settings', { focused: true });
		const there = win('/accounts');
		await tap([other, there], notificationTarget('liquidation'));
		expect(there.messages).toEqual([{ type: 'perch:open', path: '/accounts' }]);
		expect(other.messages).toEqual([]);

		const background = win('/');
		const focused = win('/history', { focused: true });
		await tap([background, focused], notificationTarget('margin'));
		expect(focused.messages).toEqual([{ type: 'perch:open', path: '/accounts' }]);
		expect(background.messages).toEqual([]);
	});

	it('opens a new window at the screen when no Perch window is open', async () => {
		const { closed, opened } = await tap([], notificationTarget('position'));
		expect(closed).toBe(1);
		expect(opened).toEqual(['https://perch.example/alerts']);
	});

	it('a refused focus still routes the window', async () => {
		const w = win('/', { focusRefused: true });
		await tap([w], notificationTarget('stream'));
		expect(w.messages).toEqual([{ type: 'perch:open', path: '/accounts' }]);
	});

	it('opens only its own screens: anything else in the data opens the accounts overview', async () => {
		for (const data of [
			{ path: 'https://elsewhere.example/' },
			{ path: '//elsewhere.example/alerts' },
			{ path: '/settings' },
			{ path: 7 },
			null,
			undefined,
			'/alerts'
		]) {
			const { opened } = await tap([], data);
			expect(opened).toEqual(['https://perch.example/accounts']);
		}
	});
});
