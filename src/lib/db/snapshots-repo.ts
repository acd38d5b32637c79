/** The last known positions and balances per account, shown (with their age) before a feed is live. */
import type { PerchDatabase } from './open';
import type { SnapshotRecord } from './schema';

export function getSnapshot(
	db: PerchDatabase,
	accountId: string
): Promise<SnapshotRecord | undefined> {
	return db.get('snapshots', accountId);
}

export async function putSnapshot(db: PerchDatabase, snapshot: SnapshotRecord): Promise<void> {
	await db.put('snapshots', snapshot);
}

export async function deleteSnapshot(db: PerchDatabase, accountId: string): Promise<void> {
	await db.delete('snapshots', accountId);
}
