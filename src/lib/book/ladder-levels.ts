/**
 * Keeps a published ladder's level objects when they have not changed, so the screen only
 * re-renders (and re-formats) the rows whose price or size moved: a level object that is the
 * same object as last time is a row the ladder does not touch.
 */

export interface Level {
	readonly price: string;
	readonly size: string;
}

/**
 * `next` with each level replaced by the previous one at the same rank when price and size are
 * equal; `prev` itself when nothing at all changed (then there is nothing to publish).
 */
export function reuseLevels<L extends Level>(prev: readonly L[], next: L[]): readonly L[] {
	let same = prev.length === next.length;
	for (let i = 0; i < next.length; i++) {
		const old = prev[i];
		if (old !== undefined && old.price === next[i].price && old.size === next[i].size) {
			next[i] = old;
		} else {
			same = false;
		}
	}
	return same ? prev : next;
}
