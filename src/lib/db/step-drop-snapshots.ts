/**
 * Schema step "drop the snapshots store": the first schema made a `snapshots` store for plain
 * positions and balances that nothing ever wrote (last-known state lives sealed in `lastKnown`).
 * Deleting it keeps an unencrypted place for account data from lying around unused. Nothing else
 * is touched, so the step can take whichever version number it lands as (see open.ts).
 */
export function dropSnapshotsStore(raw: IDBDatabase): void {
	if (raw.objectStoreNames.contains('snapshots')) raw.deleteObjectStore('snapshots');
}
