package io.molesignal.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.testing.MutableClock;
import io.molesignal.core.testing.TestDb;

abstract class IngestPipelineContract {
    static final OrgId ACME = OrgId.of("acme");
    static final Principal EDITOR = new Principal(ACME, "u1", Role.EDITOR, CredentialKind.JWT, "j", Set.of());
    static final IngestTable LOGS = IngestTable.builder("logs")
            .column("level", ValueType.STRING, "level", "severity")
            .column("service", ValueType.STRING, "service", "service.name")
            .column("message", ValueType.STRING, "message", "msg", "log")
            .column("duration_ms", ValueType.LONG)
            .build();

    TestDb db;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:15:00Z"));
    final AtomicLong reserved = new AtomicLong();
    final AtomicLong committed = new AtomicLong();
    final AtomicLong released = new AtomicLong();
    final List<Integer> admitted = new ArrayList<>();

    abstract TestDb open(String name);

    abstract String attributesType();

    TenantSession session() {
        return TenantSession.builder(db.database()).build();
    }

    @BeforeEach
    void setUp() {
        db = open(getClass().getSimpleName());
        db.exec("CREATE TABLE logs (org_id VARCHAR(64) NOT NULL, stream VARCHAR(64) NOT NULL, "
                + "ts TIMESTAMP WITH TIME ZONE NOT NULL, level VARCHAR(32), service VARCHAR(128), message VARCHAR(65536), "
                + "duration_ms BIGINT, attributes " + attributesType() + ", size_bytes BIGINT NOT NULL)");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    IngestAdmission counting() {
        return new IngestAdmission() {
            @Override
            public Object admitEvents(Principal principal, int events) {
                admitted.add(events);
                return "ok";
            }

            @Override
            public Reservation reserveBytes(Principal principal, long bytes) {
                reserved.addAndGet(bytes);
                return new Reservation() {
                    @Override
                    public void commit(io.molesignal.core.db.Tx tx) {
                        committed.addAndGet(bytes);
                    }

                    @Override
                    public void release() {
                        released.addAndGet(bytes);
                    }
                };
            }
        };
    }

    IngestPipeline pipeline(EventTransform t) {
        return IngestPipeline.builder(session(), counting()).clock(clock)
                .transforms((principal, stream) -> stream.equals("app") ? Optional.ofNullable(t) : Optional.empty()).build();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    List<Map<String, Object>> rows(String sql) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (var c = db.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    @Test
    void mapsFieldsStampsTheCallersOrgAndReportsPerEventErrors() throws Exception {
        String body = "[{\"timestamp\":\"2026-11-30T09:00:00.5+01:00\",\"severity\":\"ERROR\",\"service\":{\"name\":\"api\"},"
                + "\"msg\":\"boom\",\"org_id\":\"beta\",\"user\":{\"id\":7}},"
                + "{\"ts\":1764496800000,\"level\":\"INFO\",\"service.name\":\"web\",\"log\":\"ok\",\"duration_ms\":12},"
                + "{\"message\":\"no time\"},"
                + "42,"
                + "{\"ts\":\"yesterday\"},"
                + "{\"duration_ms\":\"slow\"},"
                + "{\"message\":\"nul\\u0000byte\"}]";
        IngestResult r = pipeline(null).ingest(EDITOR, LOGS, "web", utf8(body), IngestPipeline.Format.JSON_ARRAY);
        assertThat(r.ingested()).as("%s", r.errors()).isEqualTo(3);
        assertThat(r.failed()).isEqualTo(4);
        assertThat(r.errors()).extracting(EventError::index, EventError::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3, ErrorCode.INVALID_EVENT),
                org.assertj.core.groups.Tuple.tuple(4, ErrorCode.INVALID_TIMESTAMP),
                org.assertj.core.groups.Tuple.tuple(5, ErrorCode.TYPE_MISMATCH),
                org.assertj.core.groups.Tuple.tuple(6, ErrorCode.INVALID_EVENT));
        assertThat(admitted).containsExactly(7);
        List<Map<String, Object>> rows = rows("SELECT org_id, stream, level, service, message, duration_ms, "
                + "attributes, size_bytes FROM logs ORDER BY message");
        assertThat(rows).extracting(m -> m.get("org_id")).containsOnly("acme");
        assertThat(rows).extracting(m -> m.get("message")).containsExactly("boom", "no time", "ok");
        assertThat(rows.get(0)).containsEntry("level", "ERROR").containsEntry("service", "api");
        assertThat(String.valueOf(rows.get(0).get("attributes"))).contains("\"user\"").doesNotContain("beta");
        assertThat(rows.get(2)).containsEntry("service", "web").containsEntry("duration_ms", 12L);
        long sizes = rows.stream().mapToLong(m -> ((Number) m.get("size_bytes")).longValue()).sum();
        assertThat(sizes).isEqualTo(r.storedBytes()).isEqualTo(committed.get()).isEqualTo(reserved.get());
        assertThat(released.get()).isZero();
        // The size is the UTF-8 length of the event's JSON (the first event as the pipeline saw it).
        assertThat(((Number) rows.get(2).get("size_bytes")).longValue()).isEqualTo(utf8(
                "{\"ts\":1764496800000,\"level\":\"INFO\",\"service.name\":\"web\",\"log\":\"ok\",\"duration_ms\":12}").length);
        assertThat(db.queryLong("SELECT COUNT(*) FROM logs WHERE ts = TIMESTAMP WITH TIME ZONE '2026-11-30 10:15:00+00'"))
                .isEqualTo(1); // the event without a timestamp got ingest time
    }

    @Test
    void theTransformRunsPerEventAndItsFailuresAreIsolated() throws Exception {
        EventTransform t = e -> {
            if ("abort".equals(e.get("message"))) {
                throw new MoleSignalException(ErrorCode.VRL_ABORT, "aborted");
            }
            if ("fail".equals(e.get("message"))) {
                throw new MoleSignalException(ErrorCode.VRL_RUNTIME, "function call error");
            }
            e.remove("secret");
            e.put("message", "[" + e.get("message") + "]");
            return e;
        };
        String body = "{\"message\":\"a\",\"secret\":\"x\"}\n\n{\"message\":\"abort\"}\r\n{\"message\":\"fail\"}\n"
                + "not json\n{\"message\":\"b\"}\n";
        IngestResult r = pipeline(t).ingest(EDITOR, LOGS, "app", utf8(body), IngestPipeline.Format.NDJSON);
        assertThat(r.ingested()).isEqualTo(2);
        assertThat(r.errors()).extracting(EventError::code).containsExactly(ErrorCode.VRL_ABORT, ErrorCode.VRL_RUNTIME,
                ErrorCode.INVALID_EVENT);
        assertThat(r.errors()).extracting(EventError::index).containsExactly(1, 2, 3);
        assertThat(rows("SELECT message, attributes FROM logs ORDER BY message")).extracting(m -> m.get("message"))
                .containsExactly("[a]", "[b]");
        assertThat(db.queryLong("SELECT COUNT(*) FROM logs WHERE attributes LIKE '%secret%'")).isZero();
    }

    @Test
    void badBodiesAreRefusedWholeAndStoreNothing() {
        IngestPipeline p = pipeline(null);
        String deep = "[" + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "]";
        for (byte[] bad : List.of(utf8("{\"not\":\"an array\"}"), utf8("[{\"a\":1}"), utf8(deep),
                new byte[] {'[', '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', ']'},
                utf8("[{\"a\":1,\"a\":2}]"), utf8("[{}] trailing"))) {
            assertThatThrownBy(() -> p.ingest(EDITOR, LOGS, "web", bad, IngestPipeline.Format.JSON_ARRAY))
                    .isInstanceOf(MoleSignalException.class)
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        }
        for (String stream : List.of("", "a b", "x".repeat(65), "../etc", "ü")) {
            assertThatThrownBy(() -> p.ingest(EDITOR, LOGS, stream, utf8("[]"), IngestPipeline.Format.JSON_ARRAY))
                    .isInstanceOf(MoleSignalException.class);
        }
        Principal viewer = new Principal(ACME, "u", Role.VIEWER, CredentialKind.JWT, "j", Set.of());
        Principal queryToken = new Principal(ACME, "u", Role.ADMIN, CredentialKind.API_TOKEN, "t", Set.of(Scope.QUERY));
        for (Principal who : List.of(viewer, queryToken)) {
            assertThatThrownBy(() -> p.ingest(who, LOGS, "web", utf8("[{}]"), IngestPipeline.Format.JSON_ARRAY))
                    .isInstanceOf(MoleSignalException.class)
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        }
        assertThat(db.queryLong("SELECT COUNT(*) FROM logs")).isZero();
    }

    @Test
    void anOversizedEventFailsAloneAndAFailingInsertStoresNothingAndReleasesTheReservation() {
        IngestPipeline small = IngestPipeline.builder(session(), counting()).clock(clock).maxEventBytes(100).build();
        IngestResult r = small.ingest(EDITOR, LOGS, "web", utf8("[{\"message\":\"" + "x".repeat(200) + "\"},{\"message\":\"ok\"}]"),
                IngestPipeline.Format.JSON_ARRAY);
        assertThat(r.errors()).extracting(EventError::code).containsExactly(ErrorCode.EVENT_TOO_LARGE);
        assertThat(r.ingested()).isEqualTo(1);

        long before = db.queryLong("SELECT COUNT(*) FROM logs");
        committed.set(0);
        reserved.set(0);
        // The second event's message does not fit the column: the database refuses the insert.
        String body = "[{\"message\":\"fine\"},{\"level\":\"" + "L".repeat(100) + "\"}]";
        assertThatThrownBy(() -> pipeline(null).ingest(EDITOR, LOGS, "web", utf8(body), IngestPipeline.Format.JSON_ARRAY))
                .isInstanceOf(MoleSignalException.class)
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(db.queryLong("SELECT COUNT(*) FROM logs")).isEqualTo(before);
        assertThat(committed.get()).isZero();
        assertThat(released.get()).isEqualTo(reserved.get()).isPositive();
    }

    @Test
    void aStoredVrlProgramTransformsTheEventsOfItsStreamOnly() throws Exception {
        db.database().migrate("core");
        try (io.molesignal.core.audit.AuditLog audit = io.molesignal.core.audit.AuditLog.builder(db.database()).build();
             io.molesignal.core.vrl.StreamFunctions functions =
                     io.molesignal.core.vrl.StreamFunctions.builder(db.database(), audit).build()) {
            io.molesignal.core.audit.AuditContext ctx = new io.molesignal.core.audit.AuditContext(
                    io.molesignal.core.audit.Actor.of(EDITOR, "ed@acme.test"), null, null);
            functions.put(EDITOR, ctx, "app", "del(.password)\n.message = upcase!(.message)\n"
                    + "if .level == \"drop\" { abort }");
            IngestPipeline p = IngestPipeline.builder(session(), counting()).clock(clock)
                    .streamFunctions(functions, null).build();
            String body = "[{\"message\":\"hello\",\"password\":\"hunter2\"},{\"message\":\"x\",\"level\":\"drop\"},"
                    + "{\"message\":42}]";
            IngestResult r = p.ingest(EDITOR, LOGS, "app", utf8(body), IngestPipeline.Format.JSON_ARRAY);
            assertThat(r.ingested()).isEqualTo(1);
            assertThat(r.errors()).extracting(EventError::code).containsExactly(ErrorCode.VRL_ABORT, ErrorCode.VRL_RUNTIME);
            p.ingest(EDITOR, LOGS, "other", utf8("[{\"message\":\"lower\",\"password\":\"kept\"}]"),
                    IngestPipeline.Format.JSON_ARRAY);
            assertThat(rows("SELECT stream, message FROM logs ORDER BY stream")).extracting(m -> m.get("message"))
                    .containsExactly("HELLO", "lower");
            assertThat(db.queryLong("SELECT COUNT(*) FROM logs WHERE attributes LIKE '%hunter2%'")).isZero();
        }
    }

    @Test
    void theQuotaGovernorAdmitsByEventCountAndReservesStorageWithTheRows() throws Exception {
        db.database().migrate("core");
        db.insertOrgs("acme");
        io.molesignal.core.testing.FakeTicker ticker = new io.molesignal.core.testing.FakeTicker();
        Principal root = new Principal(OrgId.META, "root", Role.OWNER, CredentialKind.JWT, "r", Set.of());
        io.molesignal.core.audit.AuditContext ctx = io.molesignal.core.audit.AuditContext.system("test");
        try (io.molesignal.core.audit.AuditLog audit = io.molesignal.core.audit.AuditLog.builder(db.database()).build();
             io.molesignal.core.quota.QuotaGovernor quotas = io.molesignal.core.quota.QuotaGovernor
                     .builder(db.database(), audit).ticker(ticker).clock(clock).tenantSession(session())
                     .eventTable(LOGS.quotaTable()).backgroundJobs(false).build()) {
            String event = "{\"message\":\"hello\"}";
            long size = utf8(event).length;
            quotas.updateLimits(root, ctx, ACME, io.molesignal.core.quota.QuotaLimits.builder().ingestQps(3L)
                    .ingestBurst(3L).storageBytes(2 * size).build());
            IngestPipeline p = IngestPipeline.builder(session(), IngestAdmission.of(quotas)).clock(clock).build();
            IngestResult ok = p.ingest(EDITOR, LOGS, "web", utf8("[" + event + "," + event + "]"),
                    IngestPipeline.Format.JSON_ARRAY);
            assertThat(ok.ingested()).isEqualTo(2);
            assertThat(ok.rateDecision()).isInstanceOf(io.molesignal.core.quota.RateDecision.class);
            assertThat(quotas.usage(EDITOR).storageBytes()).isEqualTo(2 * size);
            // One byte over: 413 QUOTA_STORAGE, nothing stored, nothing reserved.
            assertThatThrownBy(() -> p.ingest(EDITOR, LOGS, "web", utf8("[" + event + "]"),
                    IngestPipeline.Format.JSON_ARRAY)).isInstanceOf(MoleSignalException.class)
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.QUOTA_STORAGE);
            // The third token of the burst was spent by the refused request; the fourth event is over the rate.
            assertThatThrownBy(() -> p.ingest(EDITOR, LOGS, "web", utf8("[" + event + "]"),
                    IngestPipeline.Format.JSON_ARRAY))
                    .isInstanceOf(io.molesignal.core.quota.RateLimitExceededException.class)
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.QUOTA_INGEST_RATE);
            assertThatThrownBy(() -> p.ingest(EDITOR, LOGS, "web", utf8("[" + (event + ",").repeat(3) + event + "]"),
                    IngestPipeline.Format.JSON_ARRAY))
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.QUOTA_INGEST_BATCH);
            assertThat(db.queryLong("SELECT COUNT(*) FROM logs")).isEqualTo(2);
            assertThat(quotas.usage(EDITOR).reservedBytes()).isZero();
        }
    }
}
