package io.molesignal.core.quota;

import io.molesignal.core.ErrorCode;

/** The rate quotas: ingest (cost = events) and query (cost = 1 per query). */
public enum QuotaKind {
    /** Events ingested per second; API.md quota name {@code ingest}. */
    INGEST("ingest", ErrorCode.QUOTA_INGEST_RATE),
    /** Queries per second; API.md quota name {@code query}. */
    QUERY("query", ErrorCode.QUOTA_QUERY_RATE);

    private final String wireName;
    private final ErrorCode rateCode;

    QuotaKind(String wireName, ErrorCode rateCode) {
        this.wireName = wireName;
        this.rateCode = rateCode;
    }

    /** The quota name in headers and audit targets: {@code ingest} or {@code query}. */
    public String wireName() {
        return wireName;
    }

    /** The 429 code of this quota. */
    public ErrorCode rateCode() {
        return rateCode;
    }
}
