/**
 * The HTTP plumbing a host would copy: an authentication filter, a small router with per-route role, scope and
 * credential-kind rules, RFC 9457 problem details for {@link io.molesignal.core.MoleSignalException}, request ids and
 * metrics.
 */
@NullMarked
package io.molesignal.examples.http;

import org.jspecify.annotations.NullMarked;
