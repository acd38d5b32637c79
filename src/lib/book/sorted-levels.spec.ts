import { describe, expect, it } from 'vitest';
import { SortedLevels } from './sorted-levels';
import { seededRandom } from './synthetic-depth';

/** Best first, as [key, price text, size text]. */
function contents(levels: SortedLevels): [number, string, string][] {
	const out: [number, string, string][] = [];
	for (let rank = 0; rank < levels.count; rank++) {
		const i = levels.indexOf(rank);
		out.push([levels.keys[i], levels.priceTexts[i], levels.sizeTexts[i]]);
	}
	return out;
}

describe('SortedLevels', () => {
	it('keeps the largest key as the best and drops the worst on truncate', () => {
		const levels = new SortedLevels(4);
		for (const key of [5, 1, 9, 3, 7]) levels.set(key, `p${key}`, key * 10, `s${key}`);
		expect(contents(levels).map(([k]) => k)).toEqual([9, 7, 5, 3, 1]);
		levels.set(5, 'ignored', 1, 'one');
		expect(contents(levels)[2]).toEqual([5, 'p5', 'one']);
		levels.set(9, 'p9', 0, '0');
		levels.set(4, 'p4', 0, '0');
		expect(contents(levels).map(([k]) => k)).toEqual([7, 5, 3, 1]);
		levels.truncate(2);
		expect(contents(levels).map(([k]) => k)).toEqual([7, 5]);
		levels.clear();
		expect(levels.count).toBe(0);
	});

	it('matches a plain sorted array through random edits, recenters and growth', () => {
		const rand = seededRandom(4242);
		for (let round = 0; round < 25; round++) {
			const levels = new SortedLevels(16);
			const reference = new Map<number, string>();
			for (let op = 0; op < 400; op++) {
				// Keys cluster near both ends of the range, as a windowed book's traffic does.
				const u = rand();
				const key = Math.floor(u < 0.5 ? 200 - 60 * rand() ** 2 : 60 * rand() ** 2);
				const size = rand() < 0.35 ? 0 : 1 + Math.floor(rand() * 9);
				levels.set(key, `p${key}`, size, String(size));
				if (size === 0) reference.delete(key);
				else reference.set(key, String(size));
				if (rand() < 0.02) {
					const depth = Math.floor(rand() * 30);
					levels.truncate(depth);
					const keep = [...reference.keys()].sort((a, b) => b - a).slice(0, depth);
					for (const k of [...reference.keys()]) if (!keep.includes(k)) reference.delete(k);
				}
				const expected = [...reference]
					.sort((a, b) => b[0] - a[0])
					.map(([k, s]): [number, string, string] => [k, `p${k}`, s]);
				const got = contents(levels);
				if (JSON.stringify(got) !== JSON.stringify(expected)) {
					expect(got, `round ${round} op ${op}`).toEqual(expected);
				}
			}
		}
	});
});
