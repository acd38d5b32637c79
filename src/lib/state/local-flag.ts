/** Small non-secret flags in localStorage; a browser that refuses storage just forgets them. */
function storage(): Storage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

export function readFlag(key: string): string | null {
	try {
		return storage()?.getItem(key) ?? null;
	} catch {
		return null;
	}
}

export function writeFlag(key: string, value: string | null): void {
	try {
		if (value === null) storage()?.removeItem(key);
		else storage()?.setItem(key, value);
	} catch {
		// Private mode or a full quota: the preference is simply not remembered.
	}
}
