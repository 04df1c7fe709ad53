package io.molesignal.core.ingest;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Dialect;
import io.molesignal.core.db.SqlIdentifiers;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.spi.CipherFunctions;
import io.molesignal.core.vrl.StreamFunctions;
import io.molesignal.core.vrl.VrlContext;
import io.molesignal.core.vrl.VrlResult;

/**
 * The ingest path of the data plane.
 *
 * <p>{@link #ingest(Principal, IngestTable, String, byte[], Format)}: check the principal (editor+ or an
 * {@code ingest}-scoped token) → admit the ingest rate with cost = number of events → parse each event → run the
 * stream's transform (the VRL program) → compute each event's size (the UTF-8 length of its JSON after the
 * transform) → reserve that many bytes of storage → map fields to columns (unknown fields to the attributes JSON) →
 * stamp the org column with the <em>principal's</em> org (an event's {@code org_id} field is dropped, never trusted)
 * → insert every good event in one transaction → commit the reservation. A failing insert stores none of the
 * request's events and releases the reservation.
 *
 * <p>Per-event failures do not fail the request: {@code INVALID_EVENT} (not an object, NUL characters),
 * {@code EVENT_TOO_LARGE} (over {@link Builder#maxEventBytes(long)}, default 1 MiB, before or after the transform),
 * {@code INVALID_TIMESTAMP} (neither RFC 3339 nor epoch milliseconds), {@code TYPE_MISMATCH} (wrong JSON type for a
 * typed column), and what the transform throws ({@code VRL_RUNTIME}, {@code VRL_ABORT}).
 *
 * <p>Inserts run through the {@link TenantSession}: on PostgreSQL with the row-level-security wall on, as the
 * non-bypassing tenant role with the org set from the principal. On PostgreSQL without the wall, rows go in with
 * {@code COPY … FROM STDIN (FORMAT csv)} (several times a JDBC batch); PostgreSQL does not support {@code COPY FROM}
 * into tables under row-level security, so with the wall on a JDBC batch is used. H2 uses a JDBC batch.
 *
 * <p>Immutable and thread-safe.
 */
public final class IngestPipeline {
    /** The stream-name pattern of API.md. */
    public static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The deepest nesting accepted in an event. */
    public static final int MAX_DEPTH = 64;

    /** How a request body holds its events. */
    public enum Format {
        /** One JSON array of objects. */
        JSON_ARRAY,
        /** Newline-delimited JSON: one object per line (empty lines ignored). */
        NDJSON
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(8 * 1024 * 1024).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    private final TenantSession session;
    private final IngestAdmission admission;
    private final BiFunction<Principal, String, Optional<EventTransform>> transforms;
    private final Clock clock;
    private final long maxEventBytes;
    private final boolean useCopy;

    private IngestPipeline(Builder b) {
        this.session = b.session;
        this.admission = b.admission;
        this.transforms = b.transforms;
        this.clock = b.clock;
        this.maxEventBytes = b.maxEventBytes;
        this.useCopy = b.useCopy;
    }

    /** A builder over the tenant session (which holds the database). */
    public static Builder builder(TenantSession session, IngestAdmission admission) {
        return new Builder(session, admission);
    }

    /** One parsed element of a request, or why it could not be parsed. */
    private record Parsed(@Nullable Map<String, Object> event, @Nullable EventError error) {
    }

    /** One event ready to insert. */
    private record Row(int index, Object[] values, long sizeBytes) {
    }

    /**
     * Ingests a request body.
     *
     * @param principal the caller; the org stored is {@code principal.org()}
     * @param table where the events go
     * @param stream the stream name ({@link #STREAM})
     * @param body the request body
     * @param format a JSON array or NDJSON
     * @return counts and per-event errors
     * @throws MoleSignalException {@code FORBIDDEN} (role or scope), {@code INVALID_INPUT} (bad stream name, the
     *         body is not a JSON array, invalid UTF-8, nesting too deep), the quota codes of {@link IngestAdmission},
     *         {@code UNAVAILABLE} when the insert fails (nothing stored)
     */
    public IngestResult ingest(Principal principal, IngestTable table, String stream, byte[] body, Format format) {
        principal.require(Role.EDITOR, Scope.INGEST);
        requireStream(stream);
        List<Parsed> parsed = parse(body, format);
        return ingestParsed(principal, table, stream, parsed);
    }

    /**
     * Ingests events already parsed by the host (JSON-like maps). Same rules as the byte form.
     */
    public IngestResult ingestEvents(Principal principal, IngestTable table, String stream,
                                     List<? extends Map<String, Object>> events) {
        principal.require(Role.EDITOR, Scope.INGEST);
        requireStream(stream);
        List<Parsed> parsed = new ArrayList<>(events.size());
        for (Map<String, Object> e : events) {
            parsed.add(e == null ? new Parsed(null, new EventError(parsed.size(), ErrorCode.INVALID_EVENT,
                    "the event is not a JSON object")) : new Parsed(new LinkedHashMap<>(e), null));
        }
        return ingestParsed(principal, table, stream, parsed);
    }

    private static void requireStream(String stream) {
        if (stream == null || !STREAM.matcher(stream).matches()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "stream names match [A-Za-z0-9_-]{1,64}");
        }
    }

    private IngestResult ingestParsed(Principal principal, IngestTable table, String stream, List<Parsed> parsed) {
        OrgId org = principal.org();
        Object decision = admission.admitEvents(principal, parsed.size());
        EventTransform transform = transforms.apply(principal, stream).orElse(null);
        List<EventError> errors = new ArrayList<>();
        List<Row> rows = new ArrayList<>(parsed.size());
        long totalBytes = 0;
        for (int i = 0; i < parsed.size(); i++) {
            Parsed p = parsed.get(i);
            if (p.error() != null) {
                errors.add(new EventError(i, p.error().code(), p.error().detail()));
                continue;
            }
            try {
                Row row = prepare(i, org, stream, table, Objects.requireNonNull(p.event()), transform);
                rows.add(row);
                totalBytes += row.sizeBytes();
            } catch (MoleSignalException e) {
                if (!e.code().isPerEvent()) {
                    throw e;
                }
                errors.add(new EventError(i, e.code(), e.getMessage()));
            }
        }
        if (rows.isEmpty()) {
            return new IngestResult(0, errors.size(), errors, 0, decision);
        }
        IngestAdmission.Reservation reservation = admission.reserveBytes(principal, totalBytes);
        boolean stored = false;
        try {
            session.run(org, tx -> {
                if (useCopy && tx.dialect() == Dialect.POSTGRESQL && !session.rowLevelSecurityActive()) {
                    PostgresCopy.copy(tx.connection(), table, rows.stream().map(Row::values).toList());
                } else {
                    batchInsert(tx.connection(), table, rows);
                }
                // Usage commits with the rows; the usage table is not the tenant role's, so leave it first.
                session.leave(tx);
                reservation.commit(tx);
                return null;
            });
            stored = true;
        } finally {
            if (!stored) {
                reservation.release();
            }
        }
        errors.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return new IngestResult(rows.size(), errors.size(), errors, totalBytes, decision);
    }

    private Row prepare(int index, OrgId org, String stream, IngestTable table, Map<String, Object> input,
                        @Nullable EventTransform transform) {
        Map<String, Object> event = input;
        if (transform != null) {
            event = transform.apply(event);
            if (event == null) {
                throw new MoleSignalException(ErrorCode.VRL_RUNTIME, "the transform returned no event");
            }
        }
        requireNoNul(event, 0);
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new MoleSignalException(ErrorCode.INVALID_EVENT, "the event cannot be encoded as JSON");
        }
        if (json.length > maxEventBytes) {
            throw new MoleSignalException(ErrorCode.EVENT_TOO_LARGE, "the event is over " + maxEventBytes + " bytes");
        }
        Map<String, Object> rest = new LinkedHashMap<>(event);
        rest.remove(table.orgColumn()); // never trusted: the principal's org is stored
        rest.remove("org_id");
        List<String> cols = table.insertColumns();
        Object[] values = new Object[cols.size()];
        int k = 0;
        values[k++] = org.value();
        values[k++] = stream;
        Object ts = take(rest, table.timestamp().sourceFields());
        values[k++] = ts == null ? OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC) : timestamp(ts);
        for (EventColumn c : table.columns()) {
            values[k++] = convert(c, take(rest, c.sourceFields()));
        }
        try {
            values[k++] = MAPPER.writeValueAsString(rest);
        } catch (JsonProcessingException e) {
            throw new MoleSignalException(ErrorCode.INVALID_EVENT, "the event cannot be encoded as JSON");
        }
        values[k] = (long) json.length;
        return new Row(index, values, json.length);
    }

    /** Removes and returns the first present source field (a literal key, or a nested path for dotted names). */
    @SuppressWarnings("unchecked")
    private static @Nullable Object take(Map<String, Object> event, List<String> sources) {
        for (String f : sources) {
            if (event.containsKey(f) && !(event.get(f) instanceof Map)) {
                return event.remove(f);
            }
            if (f.indexOf('.') > 0) {
                String[] parts = f.split("\\.");
                Object node = event;
                for (int i = 0; i < parts.length - 1 && node instanceof Map; i++) {
                    node = ((Map<String, Object>) node).get(parts[i]);
                }
                if (node instanceof Map<?, ?> m && m.containsKey(parts[parts.length - 1])) {
                    Object v = ((Map<String, Object>) m).remove(parts[parts.length - 1]);
                    if (m.isEmpty()) {
                        event.remove(parts[0]);
                    }
                    return v;
                }
            }
        }
        return null;
    }

    private static OffsetDateTime timestamp(Object v) {
        try {
            if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
                return OffsetDateTime.ofInstant(Instant.ofEpochMilli(n.longValue()), ZoneOffset.UTC);
            }
            if (v instanceof String s && s.length() <= 64) {
                return OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // fall through
        }
        throw new MoleSignalException(ErrorCode.INVALID_TIMESTAMP,
                "the timestamp must be RFC 3339 text or epoch milliseconds");
    }

    private static @Nullable Object convert(EventColumn c, @Nullable Object v) {
        if (v == null) {
            return null;
        }
        switch (c.type()) {
            case STRING:
                if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                    return v.toString();
                }
                break;
            case LONG:
                if (v instanceof Long || v instanceof Integer || v instanceof Short) {
                    return ((Number) v).longValue();
                }
                if (v instanceof BigInteger) {
                    break;
                }
                break;
            case DOUBLE:
                if (v instanceof Number n && !(v instanceof BigInteger)) {
                    return n.doubleValue();
                }
                break;
            case TIMESTAMP:
                return timestamp(v);
            default:
                break;
        }
        throw new MoleSignalException(ErrorCode.TYPE_MISMATCH, "field for column " + c.name() + " must be "
                + c.type().name().toLowerCase(java.util.Locale.ROOT));
    }

    @SuppressWarnings("unchecked")
    private static void requireNoNul(Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new MoleSignalException(ErrorCode.INVALID_EVENT, "the event is nested too deeply");
        }
        if (v instanceof String s) {
            if (s.indexOf('\u0000') >= 0) {
                throw new MoleSignalException(ErrorCode.INVALID_EVENT, "NUL characters are not allowed");
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                requireNoNul(String.valueOf(e.getKey()), depth + 1);
                requireNoNul(e.getValue(), depth + 1);
            }
        } else if (v instanceof List<?> l) {
            for (Object o : l) {
                requireNoNul(o, depth + 1);
            }
        }
    }

    private List<Parsed> parse(byte[] body, Format format) {
        List<Parsed> out = new ArrayList<>();
        if (format == Format.NDJSON) {
            int start = 0;
            for (int i = 0; i <= body.length; i++) {
                if (i == body.length || body[i] == '\n') {
                    int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                    if (end > start && !blank(body, start, end)) {
                        out.add(parseOne(body, start, end - start, out.size()));
                    }
                    start = i + 1;
                }
            }
            return out;
        }
        try (JsonParser p = MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "the body must be a JSON array of objects");
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                long begin = p.currentTokenLocation().getByteOffset();
                JsonNode node = MAPPER.readTree(p);
                long end = p.currentLocation().getByteOffset();
                out.add(element(node, end - begin, out.size()));
            }
            if (p.nextToken() != null) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "unexpected data after the JSON array");
            }
            return out;
        } catch (IOException e) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "the body is not valid JSON (or not UTF-8)");
        }
    }

    private Parsed parseOne(byte[] body, int offset, int length, int index) {
        if (length > maxEventBytes) {
            return new Parsed(null, new EventError(index, ErrorCode.EVENT_TOO_LARGE, "the event is over "
                    + maxEventBytes + " bytes"));
        }
        try {
            return element(MAPPER.readTree(body, offset, length), length, index);
        } catch (IOException e) {
            return new Parsed(null, new EventError(index, ErrorCode.INVALID_EVENT, "the line is not valid JSON"));
        }
    }

    private Parsed element(JsonNode node, long rawBytes, int index) {
        if (node == null || !node.isObject()) {
            return new Parsed(null, new EventError(index, ErrorCode.INVALID_EVENT, "the event is not a JSON object"));
        }
        if (rawBytes > maxEventBytes) {
            return new Parsed(null, new EventError(index, ErrorCode.EVENT_TOO_LARGE, "the event is over "
                    + maxEventBytes + " bytes"));
        }
        return new Parsed(MAPPER.convertValue(node, MAP), null);
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private void batchInsert(Connection c, IngestTable table, List<Row> rows) throws SQLException {
        List<String> cols = table.insertColumns();
        Database db = session.database();
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(db.quote(table.table())).append(" (");
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(db.quote(cols.get(i)));
            marks.append(i == 0 ? "?" : ", ?");
        }
        sql.append(") VALUES (").append(marks).append(')');
        int attributes = cols.indexOf(table.attributesColumn());
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (Row r : rows) {
                Object[] v = r.values();
                for (int i = 0; i < v.length; i++) {
                    if (v[i] == null) {
                        ps.setNull(i + 1, Types.NULL);
                    } else if (i == attributes) {
                        ps.setObject(i + 1, v[i], Types.OTHER);
                    } else {
                        ps.setObject(i + 1, v[i]);
                    }
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** COPY … FROM STDIN for PostgreSQL (RFC 4180-style CSV as PostgreSQL reads it). */
    private static final class PostgresCopy {
        static void copy(Connection c, IngestTable table, List<Object[]> rows) throws SQLException {
            StringBuilder sql = new StringBuilder("COPY ").append(SqlIdentifiers.quote(table.table())).append(" (");
            List<String> cols = table.insertColumns();
            for (int i = 0; i < cols.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(SqlIdentifiers.quote(cols.get(i)));
            }
            sql.append(") FROM STDIN (FORMAT csv)");
            StringBuilder csv = new StringBuilder(rows.size() * 256);
            for (Object[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    if (i > 0) {
                        csv.append(',');
                    }
                    Object v = r[i];
                    if (v == null) {
                        continue; // unquoted empty = NULL
                    }
                    String s = v instanceof OffsetDateTime t ? t.toString() : v.toString();
                    csv.append('"').append(s.replace("\"", "\"\"")).append('"');
                }
                csv.append('\n');
            }
            try {
                c.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                        .copyIn(sql.toString(), new StringReader(csv.toString()));
            } catch (IOException e) {
                throw new SQLException("COPY failed", e);
            }
        }
    }

    /** Builds an {@link IngestPipeline}. Not thread-safe. */
    public static final class Builder {
        private final TenantSession session;
        private final IngestAdmission admission;
        private BiFunction<Principal, String, Optional<EventTransform>> transforms = (p, s) -> Optional.empty();
        private Clock clock = Clock.systemUTC();
        private long maxEventBytes = 1024 * 1024;
        private boolean useCopy = true;

        private Builder(TenantSession session, IngestAdmission admission) {
            this.session = Objects.requireNonNull(session, "session");
            this.admission = Objects.requireNonNull(admission, "admission");
        }

        /** Looks up the transform of the principal's stream; default none. */
        public Builder transforms(BiFunction<Principal, String, Optional<EventTransform>> transforms) {
            this.transforms = Objects.requireNonNull(transforms, "transforms");
            return this;
        }

        /**
         * Runs each stream's stored VRL program ({@link StreamFunctions}) as its transform, with {@code cipher} for
         * {@code encrypt()} / {@code decrypt()} (null: those calls fail with {@code CIPHER_DISABLED}) and this
         * builder's clock for {@code now()}. A program's runtime error or abort fails that event only.
         */
        public Builder streamFunctions(StreamFunctions functions, @Nullable CipherFunctions cipher) {
            Objects.requireNonNull(functions, "functions");
            this.transforms = (principal, stream) -> functions.programFor(principal, stream).map(program -> event -> {
                VrlResult r = program.run(event, new VrlContext(principal.org(), cipher, clock));
                if (r instanceof VrlResult.Ok ok) {
                    return ok.event();
                }
                VrlResult.Failed f = (VrlResult.Failed) r;
                throw new MoleSignalException(f.code(), f.message());
            });
            return this;
        }

        /** Wall time for events without a timestamp. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The largest event in UTF-8 bytes of JSON (default 1 MiB). */
        public Builder maxEventBytes(long maxEventBytes) {
            if (maxEventBytes < 2 || maxEventBytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxEventBytes must be between 2 and 16 MiB");
            }
            this.maxEventBytes = maxEventBytes;
            return this;
        }

        /** Whether PostgreSQL inserts use COPY when the RLS wall is off (default true). */
        public Builder useCopy(boolean useCopy) {
            this.useCopy = useCopy;
            return this;
        }

        public IngestPipeline build() {
            return new IngestPipeline(this);
        }
    }

}
