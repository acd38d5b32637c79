import { readFlag, writeFlag } from './local-flag';

export type ThemeChoice = 'system' | 'dark' | 'light';
const KEY = 'perch.theme.v1';

function stored(): ThemeChoice {
	const v = readFlag(KEY);
	return v === 'dark' || v === 'light' ? v : 'system';
}

/**
 * Dark by default, light when the system asks for it, or what the user chose. The resolved theme
 * is set as data-theme on <html>; app.css holds the colours.
 */
class Theme {
	#choice = $state<ThemeChoice>(stored());
	#systemLight = $state(false);

	get choice(): ThemeChoice {
		return this.#choice;
	}

	get resolved(): 'dark' | 'light' {
		if (this.#choice !== 'system') return this.#choice;
		return this.#systemLight ? 'light' : 'dark';
	}

	choose(choice: ThemeChoice): void {
		this.#choice = choice;
		writeFlag(KEY, choice === 'system' ? null : choice);
		this.#apply();
	}

	/** Follows the system setting while the page lives; returns the stop function. */
	follow(): () => void {
		const mq = matchMedia('(prefers-color-scheme: light)');
		const update = () => {
			this.#systemLight = mq.matches;
			this.#apply();
		};
		update();
		mq.addEventListener('change', update);
		return () => mq.removeEventListener('change', update);
	}

	#apply(): void {
		document.documentElement.dataset.theme = this.resolved;
	}
}

export const theme = new Theme();
