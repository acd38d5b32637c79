/**
 * Close attempts: one record per client order id, written before the order is sent, so a reload or
 * a retry can ask the exchange about that id instead of sending a second close.
 */
import { atomically } from './atomic';
import type { PerchDatabase } from './open';
import type { CloseOutcome, CloseRecord, CloseState } from './schema';

/** Outcomes that later, vaguer news (a timeout after a fill was seen) must not overwrite. */
const FINAL_STATES: ReadonlySet<CloseState> = new Set(['confirmed', 'rejected']);
const OPEN_STATES: ReadonlySet<CloseState> = new Set(['pending', 'sent', 'unknown']);

export class DuplicateCloseError extends Error {
	constructor(readonly closeId: string) {
		super(`A close with client order id ${closeId} is already recorded`);
		this.name = 'DuplicateCloseError';
	}
}

export class UnknownCloseError extends Error {
	constructor(readonly closeId: string) {
		super(`No close recorded with client order id ${closeId}`);
		this.name = 'UnknownCloseError';
	}
}

/** Reserves the client order id: fails with DuplicateCloseError if it was used before. */
export async function recordCloseIntent(db: PerchDatabase, record: CloseRecord): Promise<void> {
	try {
		await db.add('closes', record);
	} catch (error) {
		if (error instanceof DOMException && error.name === 'ConstraintError') {
			throw new DuplicateCloseError(record.id);
		}
		throw error;
	}
}

export interface CloseUpdate {
	state: CloseState;
	outcome?: CloseOutcome;
	order?: CloseRecord['order'];
	at: number;
}

/**
 * Moves a close to a new state and returns the stored record. A confirmed or rejected close keeps
 * its state; only its order details may still be filled in.
 */
export function updateClose(
	db: PerchDatabase,
	id: string,
	update: CloseUpdate
): Promise<CloseRecord> {
	return atomically(db.transaction('closes', 'readwrite'), async (tx) => {
		const current = await tx.store.get(id);
		if (!current) throw new UnknownCloseError(id);
		const settled = FINAL_STATES.has(current.state) && !FINAL_STATES.has(update.state);
		const next: CloseRecord = {
			...current,
			state: settled ? current.state : update.state,
			outcome: settled ? current.outcome : (update.outcome ?? current.outcome),
			order: update.order ?? current.order,
			updatedAt: update.at
		};
		await tx.store.put(next);
		return next;
	});
}

export function getClose(db: PerchDatabase, id: string): Promise<CloseRecord | undefined> {
	return db.get('closes', id);
}

/** Newest first. */
export async function listClosesForAccount(
	db: PerchDatabase,
	accountId: string
): Promise<CloseRecord[]> {
	const records = await db.getAllFromIndex('closes', 'by-account', accountId);
	return records.sort((a, b) => b.createdAt - a.createdAt);
}

/** Newest first, across accounts. */
export async function listRecentCloses(db: PerchDatabase, limit: number): Promise<CloseRecord[]> {
	const records: CloseRecord[] = [];
	let cursor = await db.transaction('closes').store.index('by-created').openCursor(null, 'prev');
	while (cursor && records.length < limit) {
		records.push(cursor.value);
		cursor = await cursor.continue();
	}
	return records;
}

/** Closes whose outcome is still open: query the exchange about these before any retry. */
export async function listOpenCloses(db: PerchDatabase): Promise<CloseRecord[]> {
	const records = await db.getAll('closes');
	return records.filter((r) => OPEN_STATES.has(r.state)).sort((a, b) => a.createdAt - b.createdAt);
}
