/** The example server: wires the MoleSignal APIs, the audit log and the ingest pipeline into Jetty. */
@NullMarked
package io.molesignal.examples.server;

import org.jspecify.annotations.NullMarked;
