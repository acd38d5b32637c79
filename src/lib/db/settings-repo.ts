/** Non-secret preferences as key/value pairs. */
import type { PerchDatabase } from './open';

export async function getSetting<T>(db: PerchDatabase, key: string, fallback: T): Promise<T> {
	const record = await db.get('settings', key);
	return record === undefined ? fallback : (record.value as T);
}

export async function putSetting(db: PerchDatabase, key: string, value: unknown): Promise<void> {
	await db.put('settings', { key, value });
}

export async function deleteSetting(db: PerchDatabase, key: string): Promise<void> {
	await db.delete('settings', key);
}

export const AUTO_LOCK_KEY = 'autoLockMinutes';
export const DEFAULT_AUTO_LOCK_MINUTES = 15;
export const MAX_AUTO_LOCK_MINUTES = 24 * 60;

/** The idle time before the vault locks itself; the timer itself lives in app state. */
export async function getAutoLockMinutes(db: PerchDatabase): Promise<number> {
	const stored = await getSetting<unknown>(db, AUTO_LOCK_KEY, DEFAULT_AUTO_LOCK_MINUTES);
	// A value written by a future or broken version must not disable the lock.
	return isValidAutoLock(stored) ? stored : DEFAULT_AUTO_LOCK_MINUTES;
}

export async function setAutoLockMinutes(db: PerchDatabase, minutes: number): Promise<void> {
	if (!isValidAutoLock(minutes)) {
		throw new RangeError(
			`Auto-lock must be a whole number of minutes from 1 to ${MAX_AUTO_LOCK_MINUTES}`
		);
	}
	await putSetting(db, AUTO_LOCK_KEY, minutes);
}

function isValidAutoLock(value: unknown): value is number {
	return (
		typeof value === 'number' &&
		Number.isInteger(value) &&
		value >= 1 &&
		value <= MAX_AUTO_LOCK_MINUTES
	);
}
