/**
 * Stored accounts for tests. An account's ledger, fills and sync cursors are refused unless the
 * account itself is stored, so a test that writes history first stores its account.
 */
import type { PerchDatabase } from './open';
import type { AccountRecord } from './schema';

export function accountRecord(id: string, createdAt = 1): AccountRecord {
	return {
		id,
		label: id,
		venue: 'demo',
		endpoints: {
			rest: 'http://127.0.0.1:1',
			publicWs: 'ws://127.0.0.1:2',
			privateWs: 'ws://127.0.0.1:3'
		},
		createdAt,
		secret: { iv: new Uint8Array(12), ciphertext: new ArrayBuffer(16) }
	};
}

export async function seedAccounts(db: PerchDatabase, ...ids: string[]): Promise<void> {
	for (const id of ids) await db.put('accounts', accountRecord(id));
}
