/**
 * "Reload to update": a new service worker waits until the user asks for it. Nothing here ever
 * reloads on its own, and the button is refused while a close is in flight, because a reload
 * then would leave its outcome to reconciliation instead of the screen the user is watching.
 */
class AppUpdate {
	#waiting = $state(false);
	#requested = false;
	#update: ((reload?: boolean) => Promise<void>) | null = null;
	#busy: () => boolean = () => false;

	/** A new version is installed and waits. */
	get waiting(): boolean {
		return this.#waiting;
	}

	/** Registers the service worker; `busy` says whether a close is in flight right now. */
	async register(busy: () => boolean): Promise<void> {
		this.#busy = busy;
		const { registerSW } = await import('virtual:pwa-register');
		this.#update = registerSW({
			immediate: true,
			onNeedRefresh: () => (this.#waiting = true),
			// The new worker took control (this tab asked, or another Perch tab did). Only a reload
			// this tab asked for, with no close in flight, happens; otherwise the prompt stays.
			onNeedReload: () => {
				if (this.#requested && !this.#busy()) location.reload();
				else this.#waiting = true;
			}
		});
	}

	/** The user pressed "Reload to update". */
	apply(): void {
		if (!this.#waiting || this.#busy()) return;
		this.#requested = true;
		if (this.#update) void this.#update(true);
	}
}

export const appUpdate = new AppUpdate();
