/** Runnable hosts that wire the MoleSignal APIs, using public API only. */
@NullMarked
package io.molesignal.examples;

import org.jspecify.annotations.NullMarked;
