/** Each account's last-known state, stored sealed (see vault/last-known.ts). */
import type { PerchDatabase } from './open';
import type { LastKnownRecord } from './schema';

export function getLastKnown(
	db: PerchDatabase,
	accountId: string
): Promise<LastKnownRecord | undefined> {
	return db.get('lastKnown', accountId);
}

/** Writes only while the account still exists: a late save must not outlive its removal. */
export async function putLastKnown(db: PerchDatabase, record: LastKnownRecord): Promise<boolean> {
	const tx = db.transaction(['accounts', 'lastKnown'], 'readwrite');
	const exists = (await tx.objectStore('accounts').getKey(record.accountId)) !== undefined;
	if (exists) await tx.objectStore('lastKnown').put(record);
	await tx.done;
	return exists;
}
