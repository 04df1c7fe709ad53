package io.molesignal.core.quota;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * A storage reservation was refused: 413 {@link ErrorCode#QUOTA_STORAGE}, with no Retry-After (time alone does not
 * free space). The numbers are the org's own, so a host may show them to the caller.
 */
public final class StorageQuotaExceededException extends MoleSignalException {
    private static final long serialVersionUID = 1L;

    private final long usedBytes;
    private final long limitBytes;
    private final long requestedBytes;

    /**
     * @param usedBytes bytes in use (committed plus reserved by inserts in flight)
     * @param limitBytes the quota
     * @param requestedBytes the refused reservation
     */
    public StorageQuotaExceededException(long usedBytes, long limitBytes, long requestedBytes) {
        super(ErrorCode.QUOTA_STORAGE, "storage quota exceeded: used " + usedBytes + " of " + limitBytes
                + " bytes, requested " + requestedBytes);
        this.usedBytes = usedBytes;
        this.limitBytes = limitBytes;
        this.requestedBytes = requestedBytes;
    }

    public long usedBytes() {
        return usedBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }
}
