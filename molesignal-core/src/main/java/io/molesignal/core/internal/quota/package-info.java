/** Implementation of the quota governor (GCRA arithmetic, per-org state, JDBC ledgers); not for use outside core. */
@NullMarked
package io.molesignal.core.internal.quota;

import org.jspecify.annotations.NullMarked;
