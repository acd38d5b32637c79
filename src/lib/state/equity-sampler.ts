/**
 * One equity sample a minute per connected account. No venue offers equity over time (some push
 * balances only on change, without equity or unrealized PnL), so Perch keeps its own: on a timer, each live account's equity and unrealized PnL at the live marks are stored.
 *
 * Each account's samples fall on a grid of the monotonic clock (first sample + k × interval), so
 * timer lateness never accumulates; slots missed while the tab slept or the account was offline
 * are skipped, not made up in a burst. An account not yet sampled is looked at again every
 * `pollMs`, so a newly connected one gets its first sample within seconds.
 */
import type { EquitySampleRecord } from '$lib/db/step-equity-samples';
import type { EquityValues } from '$lib/domain/equity';

export interface EquitySource {
	accountId: string;
	/** Its numbers are live (snapshot loaded, stream connected). */
	ready: boolean;
	values(): EquityValues | null;
}

export interface EquitySamplerOptions {
	sources: () => readonly EquitySource[];
	save: (samples: EquitySampleRecord[]) => Promise<void>;
	intervalMs?: number;
	pollMs?: number;
	/** The scheduling clock. */
	monotonicNow?: () => number;
	/** What a sample's time is stamped with (Unix ms). */
	now?: () => number;
	onError?: (error: unknown) => void;
}

export class EquitySampler {
	readonly #sources: () => readonly EquitySource[];
	readonly #save: (samples: EquitySampleRecord[]) => Promise<void>;
	readonly #interval: number;
	readonly #poll: number;
	readonly #mono: () => number;
	readonly #now: () => number;
	readonly #onError: (error: unknown) => void;
	/** Per account: the monotonic instant its next sample is due. */
	readonly #due = new Map<string, number>();
	#timer: ReturnType<typeof setTimeout> | null = null;
	#running = false;

	constructor(opts: EquitySamplerOptions) {
		this.#sources = opts.sources;
		this.#save = opts.save;
		this.#interval = opts.intervalMs ?? 60_000;
		this.#poll = opts.pollMs ?? 5_000;
		this.#mono = opts.monotonicNow ?? (() => performance.now());
		this.#now = opts.now ?? (() => Date.now());
		this.#onError = opts.onError ?? (() => undefined);
	}

	get running(): boolean {
		return this.#running;
	}

	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#tick();
	}

	stop(): void {
		this.#running = false;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
		this.#due.clear();
	}

	#tick(): void {
		this.#timer = null;
		if (!this.#running) return;
		const mono = this.#mono();
		const sources = this.#sources();
		const batch: EquitySampleRecord[] = [];
		let next = Infinity;
		const present = new Set<string>();
		for (const source of sources) {
			present.add(source.accountId);
			let due = this.#due.get(source.accountId);
			if (source.ready && (due === undefined || mono >= due)) {
				const values = source.values();
				if (values) {
					batch.push({ accountId: source.accountId, time: this.#now(), ...values });
					due =
						due === undefined
							? mono + this.#interval
							: due + this.#interval * Math.max(1, Math.ceil((mono - due) / this.#interval));
					if (due <= mono) due += this.#interval;
					this.#due.set(source.accountId, due);
				}
			}
			next = Math.min(next, due ?? mono + this.#poll);
		}
		for (const id of this.#due.keys()) if (!present.has(id)) this.#due.delete(id);
		if (batch.length > 0) this.#save(batch).catch(this.#onError);
		// With nothing to sample yet, look again soon: an account may connect at any time.
		if (!Number.isFinite(next)) next = mono + this.#poll;
		this.#timer = setTimeout(() => this.#tick(), Math.max(0, next - mono));
	}
}
