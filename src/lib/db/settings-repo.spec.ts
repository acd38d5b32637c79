import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openPerchDB } from './open';
import {
	AUTO_LOCK_KEY,
	DEFAULT_AUTO_LOCK_MINUTES,
	deleteSetting,
	getAutoLockMinutes,
	getSetting,
	putSetting,
	setAutoLockMinutes
} from './settings-repo';

describe('settings-repo', () => {
	it('returns the fallback until a value is stored, then the value', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		expect(await getSetting(db, 'privacy', false)).toBe(false);
		await putSetting(db, 'privacy', true);
		expect(await getSetting(db, 'privacy', false)).toBe(true);
		await deleteSetting(db, 'privacy');
		expect(await getSetting(db, 'privacy', false)).toBe(false);
	});

	it('keeps the auto-lock at 15 minutes by default and persists a new value', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		expect(DEFAULT_AUTO_LOCK_MINUTES).toBe(15);
		expect(await getAutoLockMinutes(db)).toBe(15);
		await setAutoLockMinutes(db, 5);
		expect(await getAutoLockMinutes(db)).toBe(5);
	});

	it('rejects auto-lock values that would disable or break the lock', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		for (const bad of [0, -1, 1.5, Number.NaN, Infinity, 24 * 60 + 1]) {
			await expect(setAutoLockMinutes(db, bad)).rejects.toBeInstanceOf(RangeError);
		}
		expect(await getAutoLockMinutes(db)).toBe(15);
	});

	it('falls back to the default when the stored value is garbage', async () => {
		const db = await openPerchDB('perch', new IDBFactory());
		await putSetting(db, AUTO_LOCK_KEY, 'never');
		expect(await getAutoLockMinutes(db)).toBe(15);
	});
});
