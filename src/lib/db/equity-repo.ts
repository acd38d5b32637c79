/** Equity samples: one per connected account a minute, read back by account and time. */
import type { EquitySampleRecord } from './step-equity-samples';
import type { PerchDatabase } from './open';

export async function putEquitySamples(
	db: PerchDatabase,
	samples: readonly EquitySampleRecord[]
): Promise<void> {
	if (samples.length === 0) return;
	const tx = db.transaction('equitySamples', 'readwrite');
	await Promise.all([...samples.map((s) => tx.store.put(s)), tx.done]);
}

/** These accounts' samples from `from` (Unix ms, inclusive) on, oldest first. */
export async function listEquitySamples(
	db: PerchDatabase,
	accountIds: readonly string[],
	from = -Infinity
): Promise<EquitySampleRecord[]> {
	const tx = db.transaction('equitySamples');
	const parts = await Promise.all(
		accountIds.map((id) => tx.store.getAll(IDBKeyRange.bound([id, from], [id, Infinity])))
	);
	await tx.done;
	const all = parts.flat();
	if (parts.length > 1) all.sort((a, b) => a.time - b.time);
	return all;
}

/** Forgets one account's samples (the account was removed). */
export async function clearEquitySamples(db: PerchDatabase, accountId: string): Promise<void> {
	await db.delete(
		'equitySamples',
		IDBKeyRange.bound([accountId, -Infinity], [accountId, Infinity])
	);
}
