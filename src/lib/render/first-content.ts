/**
 * "The first screen is up": code that is not needed to draw it (the charts' library, the accounts
 * and alerts state) waits for this, so on a slow network it does not compete for bandwidth and
 * the main thread with what the user is waiting for. The screen that knows (the market page,
 * once its first book is shown) calls `markFirstContent()`; if none does, a fallback delay stands
 * in for it.
 */

type Task = () => void;

export class FirstContent {
	#done = false;
	#waiting = new Set<Task>();

	get done(): boolean {
		return this.#done;
	}

	/** The first content is on screen: runs the waiting tasks once that frame has been painted. */
	mark(): void {
		if (this.#done) return;
		this.#done = true;
		afterPaint(() => {
			const tasks = [...this.#waiting];
			this.#waiting.clear();
			for (const task of tasks) task();
		});
	}

	/**
	 * Runs `task` once the first content is painted, or after `maxWaitMs` if nothing marks it.
	 * Returns a cancel function.
	 */
	after(task: Task, maxWaitMs = 4000): () => void {
		let ran = false;
		const once = () => {
			if (ran) return;
			ran = true;
			clearTimeout(fallback);
			this.#waiting.delete(once);
			task();
		};
		const fallback = setTimeout(once, maxWaitMs);
		if (this.#done) afterPaint(once);
		else this.#waiting.add(once);
		return () => {
			ran = true;
			clearTimeout(fallback);
			this.#waiting.delete(once);
		};
	}
}

/** After the next frame has been painted (a task queued from inside that frame's callback). */
function afterPaint(task: Task): void {
	if (typeof requestAnimationFrame === 'function') {
		requestAnimationFrame(() => setTimeout(task, 0));
	} else {
		setTimeout(task, 0);
	}
}

export const firstContent = new FirstContent();
