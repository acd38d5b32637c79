/**
 * A write transaction that commits all of its work or none of it.
 *
 * IndexedDB aborts on a failed request, but not when our own code throws between requests (a
 * synchronous DataError from `put`, a failed check): left alone, the transaction would then
 * auto-commit the writes made so far. So any throw aborts explicitly.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import type { PerchDB } from './schema';

type WriteTransaction<S extends StoreNames<PerchDB>[]> = IDBPTransaction<PerchDB, S, 'readwrite'>;

/** `work` may await only IndexedDB requests of `tx`: anything else lets the transaction commit. */
export async function atomically<S extends StoreNames<PerchDB>[], T>(
	tx: WriteTransaction<S>,
	work: (tx: WriteTransaction<S>) => Promise<T>
): Promise<T> {
	try {
		const result = await work(tx);
		await tx.done;
		return result;
	} catch (error) {
		try {
			tx.abort();
		} catch {
			// Already aborted by IndexedDB itself, or already finished.
		}
		await tx.done.catch(() => undefined);
		throw error;
	}
}
