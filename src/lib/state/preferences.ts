import { DEFAULT_CHOICE, type ConnectionChoice } from '$lib/exchanges/registry';
import { checkEndpoints } from '$lib/exchanges/endpoints';

/**
 * Non-secret UI preferences (the chosen venue and its public endpoints, the last symbol) live in
 * localStorage. Keys and anything derived from them never do.
 */
const CHOICE_KEY = 'perch.connection.v1';
const SYMBOL_KEY = 'perch.symbol.v1';

function storage(): Storage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

export function loadChoice(): ConnectionChoice {
	const raw = storage()?.getItem(CHOICE_KEY);
	if (!raw) return DEFAULT_CHOICE;
	try {
		const parsed = JSON.parse(raw) as ConnectionChoice;
		if (parsed.venue === 'demo') return DEFAULT_CHOICE;
		if (parsed.venue === 'bitmart' && parsed.endpoints) {
			if (Object.keys(checkEndpoints(parsed.endpoints)).length === 0) return parsed;
		}
	} catch {
		// A corrupt preference falls back to the demo; nothing else depends on it.
	}
	return DEFAULT_CHOICE;
}

export function saveChoice(choice: ConnectionChoice): void {
	storage()?.setItem(CHOICE_KEY, JSON.stringify(choice));
}

export function loadSymbol(): string | null {
	return storage()?.getItem(SYMBOL_KEY) ?? null;
}

export function saveSymbol(symbol: string): void {
	storage()?.setItem(SYMBOL_KEY, symbol);
}
