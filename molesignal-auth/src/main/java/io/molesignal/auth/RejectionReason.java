package io.molesignal.auth;

/**
 * Why {@link TokenAuthenticator#authenticate(String)} refused a credential. For the host's security log and
 * metrics; clients only ever see the status and {@code WWW-Authenticate} value of {@link AuthResult.Rejected}.
 */
public enum RejectionReason {
    /** No {@code Authorization} header, or an empty one. */
    MISSING_CREDENTIALS,
    /** A scheme other than {@code Bearer} (for example {@code Basic}). */
    UNSUPPORTED_SCHEME,
    /** Not exactly one Bearer credential of the RFC 6750 {@code b64token} syntax, or neither a JWT nor an ms_ token. */
    MALFORMED,
    /** The header or token is over the size limit (8 KiB); rejected before parsing. */
    TOO_LARGE,
    /** An ms_ token whose checksum does not match (a typo or a mangled token); no database access happened. */
    BAD_CHECKSUM,
    /** Signature, algorithm, header, claims or secret did not verify, or the token is unknown. */
    INVALID_TOKEN,
    /** The token's expiry passed (with the leeway, for a JWT). */
    EXPIRED,
    /** The token or login session was revoked (logout, password change, token revocation). */
    REVOKED,
    /** The JWT's signing key was retired and its grace period is over. */
    KEY_RETIRED,
    /** The user, the token's creator or the org is disabled or was removed. */
    DISABLED,
    /** The database could not be read; the host answers 503. */
    UNAVAILABLE
}
