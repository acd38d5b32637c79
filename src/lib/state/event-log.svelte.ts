export interface LogEntry {
	id: number;
	time: number;
	level: 'error' | 'warn' | 'info';
	message: string;
}

/**
 * A bounded diagnostics log the UI can show. Callers pass plain-words messages that never contain
 * secrets; errors also go to the console so a developer sees them.
 */
export class EventLog {
	#entries = $state.raw<LogEntry[]>([]);

	get entries() {
		return this.#entries;
	}
	#next = 1;
	#capacity: number;

	constructor(capacity: number) {
		this.#capacity = capacity;
	}

	add(level: LogEntry['level'], message: string): void {
		const entry = { id: this.#next++, time: Date.now(), level, message };
		this.#entries = [entry, ...this.#entries].slice(0, this.#capacity);
		if (level === 'error') console.error(`[perch] ${message}`);
		else if (level === 'warn') console.warn(`[perch] ${message}`);
	}

	clear(): void {
		this.#entries = [];
	}
}
