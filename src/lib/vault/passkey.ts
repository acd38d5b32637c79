/**
 * The browser side of passkey unlock: WebAuthn with the PRF extension. The authenticator computes
 * HMAC(secret inside the passkey, prfSalt); that output is turned into the wrapping key by the
 * vault (data-key.ts) and zeroed by the caller. Nothing here is verified by a server (Perch has
 * none): the security is that only the passkey can compute the PRF output.
 */
import { PRF_SALT_BYTES, randomBytes } from './data-key';
import type { NewPasskey, PasskeyRequest } from './vault';

export type PasskeySupport = { ok: true } | { ok: false; reason: string };

interface PrfOutputs {
	enabled?: boolean;
	results?: { first?: BufferSource };
}

/** Whether this browser and device can unlock with a passkey's PRF, or the one-line reason not. */
export async function passkeySupport(): Promise<PasskeySupport> {
	if (typeof window === 'undefined' || !window.isSecureContext) {
		return { ok: false, reason: 'Passkeys need a secure (https) page.' };
	}
	if (typeof PublicKeyCredential === 'undefined') {
		return { ok: false, reason: 'This browser does not support passkeys (WebAuthn).' };
	}
	try {
		if (!(await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable())) {
			return {
				ok: false,
				reason:
					'This device has no built-in passkey authenticator (fingerprint, face or screen lock).'
			};
		}
		const withCaps = PublicKeyCredential as unknown as {
			getClientCapabilities?: () => Promise<Record<string, boolean | undefined>>;
		};
		const caps = await withCaps.getClientCapabilities?.();
		if (caps && caps['extension:prf'] === false) {
			return {
				ok: false,
				reason:
					'This browser cannot derive a key from a passkey (the WebAuthn PRF extension), which unlocking needs.'
			};
		}
	} catch {
		return { ok: false, reason: 'This browser could not say whether passkeys work here.' };
	}
	return { ok: true };
}

/**
 * Registers a platform passkey for this vault and returns its PRF output for a new random salt.
 * Some authenticators answer the PRF only when asked with an existing credential, so a second
 * ceremony is run when the first gave no output.
 */
export async function registerPasskey(): Promise<NewPasskey> {
	const rpId = location.hostname;
	const prfSalt = randomBytes(PRF_SALT_BYTES);
	const credential = (await navigator.credentials.create({
		publicKey: {
			rp: { id: rpId, name: 'Perch' },
			user: { id: randomBytes(16), name: 'Perch vault', displayName: 'Perch vault' },
			challenge: randomBytes(32),
			pubKeyCredParams: [
				{ type: 'public-key', alg: -7 },
				{ type: 'public-key', alg: -257 }
			],
			authenticatorSelection: {
				authenticatorAttachment: 'platform',
				residentKey: 'preferred',
				userVerification: 'required'
			},
			timeout: 120_000,
			extensions: { prf: { eval: { first: prfSalt } } } as AuthenticationExtensionsClientInputs
		}
	})) as PublicKeyCredential | null;
	if (!credential) throw new PasskeyError('No passkey was created.');
	const prf = (credential.getClientExtensionResults() as { prf?: PrfOutputs }).prf;
	if (!prf?.enabled && !prf?.results?.first) {
		throw new PasskeyError(
			'This passkey cannot derive a key (no WebAuthn PRF support), so it cannot unlock Perch. Nothing was saved.'
		);
	}
	const credentialId = new Uint8Array(credential.rawId);
	const request = { credentialId, rpId, prfSalt };
	const first = prf.results?.first;
	const prfOutput = first ? copyBytes(first) : await passkeyPrf(request);
	return { ...request, prfOutput };
}

/** Asks the vault's passkey for its PRF output (user verification required). */
export async function passkeyPrf(request: PasskeyRequest): Promise<Uint8Array> {
	const assertion = (await navigator.credentials.get({
		publicKey: {
			challenge: randomBytes(32),
			rpId: request.rpId,
			allowCredentials: [{ type: 'public-key', id: request.credentialId }],
			userVerification: 'required',
			timeout: 120_000,
			extensions: {
				prf: { eval: { first: request.prfSalt } }
			} as AuthenticationExtensionsClientInputs
		}
	})) as PublicKeyCredential | null;
	const first = (assertion?.getClientExtensionResults() as { prf?: PrfOutputs } | undefined)?.prf
		?.results?.first;
	if (!first) throw new PasskeyError('The passkey gave no key (no WebAuthn PRF output).');
	return copyBytes(first);
}

/** A copy the caller owns and zeroes; the browser's buffer is zeroed where it can be. */
function copyBytes(source: BufferSource): Uint8Array {
	const view =
		source instanceof ArrayBuffer
			? new Uint8Array(source)
			: new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
	const copy = new Uint8Array(view);
	view.fill(0);
	return copy;
}

export class PasskeyError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PasskeyError';
	}
}

/** The user closed the prompt, or it timed out: said plainly, with the way out. */
export function describePasskeyFailure(e: unknown): string {
	if (e instanceof DOMException && (e.name === 'NotAllowedError' || e.name === 'AbortError')) {
		return 'The passkey was not used (cancelled or timed out). Nothing was changed.';
	}
	if (e instanceof DOMException && e.name === 'InvalidStateError') {
		return 'This device already holds a passkey for Perch that cannot be used here. Nothing was changed.';
	}
	return e instanceof Error ? e.message : String(e);
}
