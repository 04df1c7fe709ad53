package io.molesignal.core.quota;

/**
 * An org's storage usage as the governor accounts it.
 *
 * @param storageBytes committed bytes
 * @param reservedBytes bytes reserved by inserts in flight
 */
public record QuotaUsage(long storageBytes, long reservedBytes) {
}
