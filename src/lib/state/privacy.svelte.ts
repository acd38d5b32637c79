import { maskNumbers, maskValue } from '$lib/privacy/mask';
import { readFlag, writeFlag } from './local-flag';

const KEY = 'perch.privacy.v1';

/**
 * Privacy mode, remembered across visits: balances, equity, PnL and sizes are masked on every
 * screen and in notifications. Components call `value`/`text` on what they would show.
 */
class Privacy {
	#on = $state(readFlag(KEY) === 'on');

	get on(): boolean {
		return this.#on;
	}

	toggle(): void {
		this.set(!this.#on);
	}

	set(on: boolean): void {
		this.#on = on;
		writeFlag(KEY, on ? 'on' : null);
	}

	/** A balance, PnL or size: the value, or the mask. */
	value(text: string): string {
		return maskValue(text, this.#on);
	}

	/** A sentence that may carry amounts (feedback, audit lines). */
	text(text: string): string {
		return maskNumbers(text, this.#on);
	}
}

export const privacy = new Privacy();
