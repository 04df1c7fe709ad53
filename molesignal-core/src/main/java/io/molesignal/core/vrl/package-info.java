/**
 * Vector Remap Language (VRL) programs for transforming events at ingest: compile once ({@link
 * io.molesignal.core.vrl.VrlProgram}), run per event, and store per stream ({@link
 * io.molesignal.core.vrl.StreamFunctions}).
 */
@NullMarked
package io.molesignal.core.vrl;

import org.jspecify.annotations.NullMarked;
