/**
 * MoleSignal core: identities ({@link io.molesignal.core.OrgId}, {@link io.molesignal.core.Principal},
 * {@link io.molesignal.core.Role}), the error model ({@link io.molesignal.core.MoleSignalException},
 * {@link io.molesignal.core.ErrorCode}), time ({@link io.molesignal.core.Ticker}) and the SPIs that let the
 * other modules meet without depending on each other.
 */
@NullMarked
package io.molesignal.core;

import org.jspecify.annotations.NullMarked;
