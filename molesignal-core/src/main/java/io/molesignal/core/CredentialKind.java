package io.molesignal.core;

/** How a principal authenticated. */
public enum CredentialKind {
    /** A JWT from login (RFC 7519). */
    JWT,
    /** A long-lived API token {@code ms_<prefix>_<secret>}. */
    API_TOKEN,
    /** MoleSignal itself (background jobs such as retention); never comes from a request. */
    SYSTEM
}
