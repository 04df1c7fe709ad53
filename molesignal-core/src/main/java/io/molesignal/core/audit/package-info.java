/** The tamper-evident audit log: every mutation, per-org hash chain, coalescing of rejection floods, query and verification. */
@NullMarked
package io.molesignal.core.audit;

import org.jspecify.annotations.NullMarked;
