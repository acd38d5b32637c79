import { describeAlert, type AlertText } from '$lib/alerts/describe';
import {
	evaluate,
	INITIAL_STATE,
	type AccountObservation,
	type EvaluatorState,
	type FiredAlert
} from '$lib/alerts/evaluate';
import { notificationTarget } from '$lib/alerts/notification-target';
import type { AlertRule } from '$lib/alerts/rules';
import { untrack } from 'svelte';
import {
	getAlertNotify,
	getAlertRules,
	putAlertNotify,
	putAlertRules
} from '$lib/db/alert-rules-repo';
import { openPerchDB, type PerchDatabase } from '$lib/db/open';
import type { AccountSession } from './account-session.svelte';
import { observeSession } from './alert-observations';
import { privacy } from './privacy.svelte';

export interface AlertEntry {
	id: number;
	/** Wall-clock time it fired, for the list. */
	at: number;
	alert: FiredAlert;
}

export type NotifyPermission = 'default' | 'granted' | 'denied' | 'unsupported';

const MAX_ENTRIES = 200;
const CHECK_MS = 1000;

function permissionNow(): NotifyPermission {
	return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * Alerts while Perch is open or in the background: every second the live sessions are looked at
 * and the pure evaluator says what fired. Each alert goes to the in-app banner and list, to a
 * system notification when the user allowed them, and to the vibration motor where there is one.
 * There is no push server: with Perch closed, nothing can alert.
 */
export class AlertCenter {
	#rules = $state.raw<AlertRule[]>([]);
	#entries = $state.raw<AlertEntry[]>([]);
	#banner = $state.raw<AlertEntry | null>(null);
	#notify = $state(false);
	#permission = $state<NotifyPermission>('default');
	#loaded = $state(false);
	#state: EvaluatorState = INITIAL_STATE;
	#db: Promise<PerchDatabase> | null = null;
	#timer: ReturnType<typeof setInterval> | null = null;
	#nextId = 1;

	get rules(): AlertRule[] {
		return this.#rules;
	}
	get entries(): AlertEntry[] {
		return this.#entries;
	}
	get banner(): AlertEntry | null {
		return this.#banner;
	}
	get loaded(): boolean {
		return this.#loaded;
	}
	/** System notifications chosen by the user and allowed by the browser. */
	get notify(): boolean {
		return this.#notify && this.#permission === 'granted';
	}
	get permission(): NotifyPermission {
		return this.#permission;
	}

	text(entry: AlertEntry): AlertText {
		return describeAlert(entry.alert, privacy.on);
	}

	/**
	 * Loads the rules and starts looking at the sessions: on every change of their data (so a
	 * crossing is seen at the tick that makes it) and once a second (time passing: a stream down
	 * for N seconds, a funding time coming near). Returns the stop function.
	 */
	start(sessions: () => AccountSession[]): () => void {
		this.#permission = permissionNow();
		void this.#load();
		const stopEffect = $effect.root(() => {
			$effect(() => {
				if (!this.#loaded) return;
				const observed = this.#observe(sessions());
				untrack(() => this.#run(observed));
			});
		});
		this.#timer ??= setInterval(() => this.#run(this.#observe(sessions())), CHECK_MS);
		return () => {
			stopEffect();
			if (this.#timer) clearInterval(this.#timer);
			this.#timer = null;
		};
	}

	#observe(sessions: AccountSession[]): AccountObservation[] {
		const now = Date.now();
		return sessions.filter((s) => !s.stopped).map((s) => observeSession(s, now));
	}

	/** One look at the sessions. */
	#run(observed: AccountObservation[]): void {
		if (!this.#loaded) return;
		const now = Date.now();
		const result = evaluate({
			rules: this.#rules,
			accounts: observed,
			state: this.#state,
			monoNow: performance.now(),
			wallNow: now
		});
		this.#state = result.state;
		for (const alert of result.fired) this.#deliver(alert, now);
	}

	dismiss(): void {
		this.#banner = null;
	}

	clear(): void {
		this.#entries = [];
		this.#banner = null;
	}

	async saveRules(rules: AlertRule[]): Promise<void> {
		this.#rules = rules;
		await putAlertRules(await this.#open(), $state.snapshot(rules));
	}

	/**
	 * Turns system notifications on or off. Turning them on asks the browser's permission, so it
	 * must run from the user's gesture in the alert settings (never on load).
	 */
	async setNotify(on: boolean): Promise<void> {
		if (on && this.#permission === 'default') {
			this.#permission = await Notification.requestPermission();
		}
		this.#notify = on;
		await putAlertNotify(await this.#open(), on);
	}

	#open(): Promise<PerchDatabase> {
		this.#db ??= openPerchDB();
		return this.#db;
	}

	async #load(): Promise<void> {
		try {
			const db = await this.#open();
			this.#rules = await getAlertRules(db);
			this.#notify = await getAlertNotify(db);
			this.#loaded = true;
		} catch (e) {
			console.warn('[perch] alert rules not loaded', e);
		}
	}

	#deliver(alert: FiredAlert, at: number): void {
		const entry: AlertEntry = { id: this.#nextId++, at, alert };
		this.#entries = [entry, ...this.#entries].slice(0, MAX_ENTRIES);
		this.#banner = entry;
		const text = this.text(entry);
		if (typeof navigator.vibrate === 'function') {
			navigator.vibrate(text.urgent ? [200, 100, 200] : 80);
		}
		if (this.notify) void this.#systemNotification(text, entry);
	}

	async #systemNotification(text: AlertText, entry: AlertEntry): Promise<void> {
		try {
			const registration = await navigator.serviceWorker?.getRegistration();
			const options = {
				body: text.body,
				tag: `perch-alert-${entry.id}`,
				icon: '/icon.svg',
				// Where a tap opens Perch (the service worker's notificationclick reads it).
				data: notificationTarget(entry.alert.kind)
			};
			if (registration) await registration.showNotification(text.title, options);
			else new Notification(text.title, options);
		} catch (e) {
			// The in-app banner and list still show it.
			console.warn('[perch] system notification failed', e);
		}
	}
}

export const alerts = new AlertCenter();
