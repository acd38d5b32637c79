import { readFlag, writeFlag } from './local-flag';

/**
 * "At least one account exists" as a non-secret flag, so the first screen can be chosen before
 * IndexedDB opens: the phone's main job is the positions overview, the market one tap away.
 */
const KEY = 'perch.hasAccounts.v1';
let started = false;

export function rememberAccountCount(count: number): void {
	writeFlag(KEY, count > 0 ? '1' : null);
}

/**
 * True once, on the first screen of a visit, when accounts exist. Later taps on Market stay on
 * the market: the app has started (`markStarted`).
 */
export function opensOnOverview(): boolean {
	if (started) return false;
	started = true;
	return readFlag(KEY) === '1';
}

export function markStarted(): void {
	started = true;
}
