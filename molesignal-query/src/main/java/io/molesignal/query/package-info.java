/** MoleSignal query: public API. */
@NullMarked
package io.molesignal.query;

import org.jspecify.annotations.NullMarked;
