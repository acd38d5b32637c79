/**
 * What can go wrong with the vault, as typed errors the UI can tell apart. No message ever holds a
 * passphrase, secret, extra credential or API key: labels and ids only.
 */

export class VaultError extends Error {
	constructor(message: string) {
		super(message);
		this.name = new.target.name;
	}
}

/** AES-GCM refused the ciphertext: it was altered, or the key is not the one that wrote it. */
export class DecryptionError extends VaultError {
	constructor() {
		super('Decryption failed: the data was altered or the key does not match');
	}
}

export class WrongPassphraseError extends VaultError {
	constructor() {
		super('Wrong passphrase');
	}
}

/**
 * The passphrase is right (the verifier opened) but the vault key stored under it does not: the
 * record was altered or damaged. Nothing is changed; a backup restores the vault.
 */
export class DataKeyDamagedError extends VaultError {
	constructor() {
		super(
			'The passphrase is right, but the vault key stored under it was altered or damaged, so no account can be opened. Nothing was changed; restore a backup.'
		);
	}
}

/** The passkey answered, but the vault key stored under it does not open with its answer. */
export class PasskeyKeyError extends VaultError {
	constructor() {
		super(
			'The passkey cannot open this vault: the key stored for it was altered or belongs to another passkey. Unlock with the passphrase; you can remove and add the passkey again in Settings.'
		);
	}
}

export class NoPasskeyError extends VaultError {
	constructor() {
		super('No passkey is set up for this vault: unlock with the passphrase.');
	}
}

export class VaultLockedError extends VaultError {
	constructor() {
		super('The vault is locked: unlock it first');
	}
}

export class VaultNotInitializedError extends VaultError {
	constructor() {
		super('No vault on this device yet: create one first');
	}
}

export class VaultAlreadyInitializedError extends VaultError {
	constructor() {
		super('A vault already exists on this device');
	}
}

/** One account record that cannot be decrypted or does not hold valid credentials. */
export class CorruptAccountError extends VaultError {
	constructor(
		readonly accountId: string,
		readonly label: string
	) {
		super(`The stored keys of account "${label}" cannot be decrypted: the record was altered`);
	}
}

/**
 * A stored record that is not a valid account (a field missing, a junk entry, an endpoint Perch
 * does not allow). Named by its label, or by its id when it has none.
 */
export class MalformedAccountError extends VaultError {
	readonly accountId: string;
	readonly label: string;

	constructor(record: unknown, reason: string) {
		const fields = (typeof record === 'object' && record !== null ? record : {}) as {
			id?: unknown;
			label?: unknown;
		};
		const accountId = String(fields.id ?? '(no id)');
		const label = typeof fields.label === 'string' && fields.label ? fields.label : accountId;
		super(`The stored account "${label}" cannot be opened: ${reason}`);
		this.accountId = accountId;
		this.label = label;
	}
}

export class UnknownAccountError extends VaultError {
	constructor(readonly accountId: string) {
		super(`No account with id ${accountId}`);
	}
}

export class BackupFormatError extends VaultError {
	constructor(reason: string) {
		super(`Not a valid Perch backup: ${reason}`);
	}
}

/** The stored KDF parameters are outside what Perch accepts; the KDF was not run. */
export class UnsafeKdfError extends VaultError {
	constructor(reason: string) {
		super(`This vault cannot be unlocked: ${reason}. Nothing was changed.`);
	}
}

export class InvalidInputError extends VaultError {}
