/** Orgs: the {@link io.molesignal.core.org.OrgDirectory} and its store SPI. */
@NullMarked
package io.molesignal.core.org;

import org.jspecify.annotations.NullMarked;
