/**
 * Which form of the secret signs for this key (notes §1.4): the documented vectors use it as
 * typed, AscendEX's own client code base64-decodes it. Sign raw first; on 200001/200006 try the
 * decoded form once and remember, per account, the one that worked.
 */

import { ExchangeError, type AccountCredentials } from '$lib/exchanges/types';
import { KEY_FORM_CODES, bothFormsFailed } from './errors';

export type KeyForm = 'raw' | 'decoded';

/** The learned-map entry that keeps the working form with the account. */
export const KEY_FORM_FIELD = 'keyForm';

export class KeyForms {
	readonly #known = new Map<string, KeyForm>();

	/** The form to try first for this account. */
	preferred(creds: AccountCredentials): KeyForm {
		const known = this.#known.get(creds.accountId);
		if (known) return known;
		return creds.learned?.[KEY_FORM_FIELD] === 'decoded' && creds.decodedSigningKey
			? 'decoded'
			: 'raw';
	}

	keyFor(creds: AccountCredentials, form: KeyForm): CryptoKey | undefined {
		return form === 'raw' ? creds.signingKey : creds.decodedSigningKey;
	}

	remember(creds: AccountCredentials, form: KeyForm): void {
		this.#known.set(creds.accountId, form);
	}

	/** The other form, when the account has it. */
	alternative(creds: AccountCredentials, form: KeyForm): KeyForm | null {
		const other: KeyForm = form === 'raw' ? 'decoded' : 'raw';
		return this.keyFor(creds, other) ? other : null;
	}

	/**
	 * Runs a signed call with the preferred form and, when the venue refuses the signature with a
	 * key-form code, once more with the other; remembers what worked.
	 */
	async run<T>(
		creds: AccountCredentials,
		call: (key: CryptoKey, form: KeyForm) => Promise<T>
	): Promise<T> {
		const first = this.preferred(creds);
		try {
			const result = await call(this.keyFor(creds, first)!, first);
			this.remember(creds, first);
			return result;
		} catch (error) {
			if (!isKeyFormError(error)) throw error;
			const other = this.alternative(creds, first);
			if (!other) throw error;
			try {
				const result = await call(this.keyFor(creds, other)!, other);
				this.remember(creds, other);
				return result;
			} catch (second) {
				if (isKeyFormError(second)) throw bothFormsFailed(error);
				throw second;
			}
		}
	}
}

export function isKeyFormError(error: unknown): error is ExchangeError {
	return (
		error instanceof ExchangeError &&
		typeof error.code === 'number' &&
		KEY_FORM_CODES.has(error.code)
	);
}
