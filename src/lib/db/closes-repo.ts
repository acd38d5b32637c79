/**
 * Close attempts: one record per client order id, written before the order is sent, so a reload or
 * a retry can ask the exchange about that id instead of sending a second close.
 */
import { atomically } from './atomic';
import type { PerchDatabase } from './open';
import type { CloseOutcome, CloseRecord, CloseState } from './schema';

/** Outcomes only the exchange can set; later, vaguer news (a timeout) must not overwrite them. */
export const FINAL_CLOSE_STATES: ReadonlySet<CloseState> = new Set([
	'confirmed',
	'rejected',
	'not-placed'
]);

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

/** Another intent on the same position is not final yet (perhaps from another tab). */
export class CloseInFlightError extends Error {
	constructor(readonly openIds: string[]) {
		super(`An earlier close of this position (${openIds.join(', ')}) is not final yet`);
		this.name = 'CloseInFlightError';
	}
}

export function isFinalClose(record: Pick<CloseRecord, 'state'>): boolean {
	return FINAL_CLOSE_STATES.has(record.state);
}

function samePosition(a: CloseRecord, b: CloseRecord): boolean {
	return (
		a.accountId === b.accountId &&
		a.request.symbol === b.request.symbol &&
		a.request.positionSide === b.request.positionSide
	);
}

/**
 * Reserves the client order id for one intent. In the same transaction it checks that no other
 * intent on this position is still open: IndexedDB serialises write transactions on a store
 * across tabs, so two tabs can never both record (and send) a close of one position. With
 * `override`, the open intents listed in `record.overrides` are allowed to stay open.
 */
export function recordCloseIntent(
	db: PerchDatabase,
	record: CloseRecord,
	options: { override?: boolean } = {}
): Promise<void> {
	return atomically(db.transaction('closes', 'readwrite'), async (tx) => {
		if (await tx.store.get(record.id)) throw new DuplicateCloseError(record.id);
		const siblings = await tx.store.index('by-account').getAll(record.accountId);
		const open = siblings.filter((r) => !isFinalClose(r) && samePosition(r, record));
		const allowed = new Set(options.override ? (record.overrides ?? []) : []);
		const blocking = open.filter((r) => !allowed.has(r.id));
		if (blocking.length > 0) throw new CloseInFlightError(blocking.map((r) => r.id));
		await tx.store.add(record);
	});
}

export interface CloseUpdate {
	state: CloseState;
	outcome?: CloseOutcome;
	order?: CloseRecord['order'];
	signedAt?: number;
	at: number;
}

/**
 * Moves a close to a new state and returns the stored record. A final state is never replaced by
 * an open one; a final state from the exchange replaces any earlier one, because the record
 * follows the last thing the exchange said.
 */
export function updateClose(
	db: PerchDatabase,
	id: string,
	update: CloseUpdate
): Promise<CloseRecord> {
	return atomically(db.transaction('closes', 'readwrite'), async (tx) => {
		const current = await tx.store.get(id);
		if (!current) throw new UnknownCloseError(id);
		const keep = isFinalClose(current) && !FINAL_CLOSE_STATES.has(update.state);
		const next: CloseRecord = {
			...current,
			state: keep ? current.state : update.state,
			outcome: keep ? current.outcome : (update.outcome ?? current.outcome),
			order: update.order ?? current.order,
			signedAt: update.signedAt ?? current.signedAt,
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
	return records.filter((r) => !isFinalClose(r)).sort((a, b) => a.createdAt - b.createdAt);
}
